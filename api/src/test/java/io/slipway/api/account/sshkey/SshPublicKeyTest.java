package io.slipway.api.account.sshkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.account.sshkey.InvalidSshKeyException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SshPublicKeyTest {

  @TempDir Path directory;

  /** Runs ssh-keygen with {@code arguments} and returns what it printed. */
  private static String sshKeygen(String... arguments) throws IOException, InterruptedException {
    String[] command = new String[arguments.length + 1];
    command[0] = "ssh-keygen";
    System.arraycopy(arguments, 0, command, 1, arguments.length);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("ssh-keygen finished").isTrue();
    assertThat(process.exitValue()).as("ssh-keygen exit status: %s", output).isZero();
    return output;
  }

  /** Generates a key pair with ssh-keygen and returns the public key file. */
  private Path generate(String type, int bits, String comment) throws Exception {
    Path key = directory.resolve(type + "-" + bits);
    sshKeygen(
        "-q",
        "-t",
        type,
        "-b",
        Integer.toString(bits),
        "-N",
        "",
        "-C",
        comment,
        "-f",
        key.toString());
    return Path.of(key + ".pub");
  }

  private static byte[] string(String value) {
    return field(value.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] field(byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataOutputStream data = new DataOutputStream(out)) {
      data.writeInt(value.length);
      data.write(value);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  private static String line(String type, byte[]... fields) {
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    for (byte[] field : fields) {
      blob.writeBytes(field);
    }
    return type + " " + Base64.getEncoder().encodeToString(blob.toByteArray());
  }

  private static byte[] blobOf(String line) {
    return Base64.getDecoder().decode(line.split(" ")[1]);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"ed25519, 256", "ecdsa, 256", "ecdsa, 384", "ecdsa, 521", "rsa, 3072"})
  void fingerprintSizeAndTypeMatchSshKeygen(String type, int bits) throws Exception {
    Path publicKey = generate(type, bits, "dev@bench");

    SshPublicKey key = SshPublicKey.parse(Files.readString(publicKey));

    // ssh-keygen -l prints "<bits> SHA256:<hash> <comment> (<TYPE>)".
    String expected = sshKeygen("-l", "-f", publicKey.toString()).strip();
    assertThat(
            key.bits()
                + " "
                + key.fingerprint()
                + " "
                + key.comment()
                + " ("
                + key.type().label()
                + ")")
        .isEqualTo(expected);
  }

  @Test
  void keepsKeyLineWithoutCommentIntact() throws Exception {
    String line = Files.readString(generate("ed25519", 256, "")).strip();

    SshPublicKey key = SshPublicKey.parse(line);

    assertThat(key.comment()).isEmpty();
    assertThat(key.toOpenSsh()).isEqualTo(line);
  }

  @Test
  void keepsCommentWithSpaces() throws Exception {
    String line = Files.readString(generate("ed25519", 256, "build key of the lab"));

    assertThat(SshPublicKey.parse(line).comment()).isEqualTo("build key of the lab");
  }

  @Test
  void refusesRsaShorterThan3072Bits() throws Exception {
    String line = Files.readString(generate("rsa", 2048, "old"));

    assertThatThrownBy(() -> SshPublicKey.parse(line))
        .isInstanceOfSatisfying(
            InvalidSshKeyException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_WEAK))
        .hasMessageContaining("2048 bits");
  }

  @Test
  void refusesDsa() {
    byte[] parameter = new BigInteger("123456789").toByteArray();
    String line =
        line(
            "ssh-dss",
            string("ssh-dss"),
            field(parameter),
            field(parameter),
            field(parameter),
            field(parameter));

    assertThatThrownBy(() -> SshPublicKey.parse(line))
        .isInstanceOfSatisfying(
            InvalidSshKeyException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_TYPE))
        .hasMessageContaining("ssh-dss");
  }

  @Test
  void refusesUnknownType() {
    assertThatThrownBy(() -> SshPublicKey.parse("ssh-foo AAAAB3NzaC1mb28= me@host"))
        .isInstanceOfSatisfying(
            InvalidSshKeyException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_TYPE))
        .hasMessageContaining("'ssh-foo'");
  }

  @Test
  void refusesAuthorizedKeysOptions() throws Exception {
    String line = "no-pty " + Files.readString(generate("ed25519", 256, "me"));

    assertThatThrownBy(() -> SshPublicKey.parse(line))
        .isInstanceOf(InvalidSshKeyException.class)
        .hasMessageContaining("'no-pty'");
  }

  @Test
  void refusesMalformedBase64() {
    assertThatThrownBy(() -> SshPublicKey.parse("ssh-ed25519 AAAA!!!C3Nz me@host"))
        .isInstanceOfSatisfying(
            InvalidSshKeyException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessageContaining("base64");
  }

  @Test
  void refusesTypeThatContradictsBlob() throws Exception {
    String ed25519 = Files.readString(generate("ed25519", 256, "me"));
    String relabelled = ed25519.replaceFirst("^ssh-ed25519", "ssh-rsa");

    assertThatThrownBy(() -> SshPublicKey.parse(relabelled))
        .isInstanceOfSatisfying(
            InvalidSshKeyException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessageContaining("labelled 'ssh-rsa'");
  }

  @Test
  void refusesEcdsaKeyNamingAnotherCurve() throws Exception {
    String p256 = Files.readString(generate("ecdsa", 256, "me"));
    String relabelled = p256.replaceFirst("^ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384");

    assertThatThrownBy(() -> SshPublicKey.parse(relabelled))
        .isInstanceOf(InvalidSshKeyException.class)
        .hasMessageContaining("labelled 'ecdsa-sha2-nistp384'");
  }

  @Test
  void refusesEcdsaPointOffCurve() throws Exception {
    byte[] blob = blobOf(Files.readString(generate("ecdsa", 256, "me")));
    blob[blob.length - 1] ^= 0x01;
    String line = "ecdsa-sha2-nistp256 " + Base64.getEncoder().encodeToString(blob);

    assertThatThrownBy(() -> SshPublicKey.parse(line))
        .isInstanceOf(InvalidSshKeyException.class)
        .hasMessageContaining("not a point on its curve");
  }

  @Test
  void refusesTruncatedBlob() throws Exception {
    byte[] blob = blobOf(Files.readString(generate("ed25519", 256, "me")));
    byte[] cut = Arrays.copyOf(blob, blob.length - 5);
    String line = "ssh-ed25519 " + Base64.getEncoder().encodeToString(cut);

    assertThatThrownBy(() -> SshPublicKey.parse(line))
        .isInstanceOf(InvalidSshKeyException.class)
        .hasMessageContaining("ends before the key does");
  }

  @Test
  void refusesBytesAfterKey() throws Exception {
    byte[] blob = blobOf(Files.readString(generate("ed25519", 256, "me")));
    byte[] longer = Arrays.copyOf(blob, blob.length + 3);
    String line = "ssh-ed25519 " + Base64.getEncoder().encodeToString(longer);

    assertThatThrownBy(() -> SshPublicKey.parse(line))
        .isInstanceOf(InvalidSshKeyException.class)
        .hasMessageContaining("3 bytes after");
  }

  @Test
  void refusesEd25519KeyOfWrongLength() {
    String line = line("ssh-ed25519", string("ssh-ed25519"), field(new byte[31]));

    assertThatThrownBy(() -> SshPublicKey.parse(line))
        .isInstanceOf(InvalidSshKeyException.class)
        .hasMessageContaining("31 bytes instead of 32");
  }

  @Test
  void refusesLineWithoutKeyData() {
    assertThatThrownBy(() -> SshPublicKey.parse("ssh-ed25519"))
        .isInstanceOf(InvalidSshKeyException.class)
        .hasMessageContaining("OpenSSH format");
  }

  @Test
  void refusesOverlongLine() {
    String line = "ssh-rsa " + "A".repeat(SshPublicKey.MAX_LINE_LENGTH);

    assertThatThrownBy(() -> SshPublicKey.parse(line))
        .isInstanceOf(InvalidSshKeyException.class)
        .hasMessageContaining("characters, more than");
  }

  @Test
  void keysWithSameBlobHaveSameFingerprint() throws Exception {
    String line = Files.readString(generate("ed25519", 256, "one"));
    String otherComment = line.replace(" one", " two");

    assertThat(SshPublicKey.parse(otherComment).fingerprint())
        .isEqualTo(SshPublicKey.parse(line).fingerprint());
  }
}
