package io.slipway.cli.delta;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.slipway.cli.CliRun;
import io.slipway.delta.image.Digest;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.PemKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * {@code slipway delta make} and {@code apply} on real OCI image layouts: a base of real JDK
 * libraries, and a target in which one library changed, one was renamed, one was removed and the
 * timestamps and order differ. Every run is in-process; nothing leaves the machine.
 */
class DeltaCommandTest {

  @TempDir Path work;

  private CliRun cli;
  private Path oldLayout;
  private Path newLayout;
  private Digest oldManifest;
  private Digest newManifest;
  private Path keyFile;
  private Path publicKeyFile;

  @BeforeEach
  void images() throws IOException {
    cli = new CliRun(Files.createDirectories(work.resolve("home")));
    oldLayout = work.resolve("old");
    newLayout = work.resolve("new");
    oldManifest = LayoutFixture.image(oldLayout, "1.0", "amd64", false, baseLayer());
    newManifest = LayoutFixture.image(newLayout, "1.1", "amd64", false, targetLayer());

    KeyPair pair = KeyAlgorithm.ECDSA_P256.generate();
    keyFile = Files.writeString(work.resolve("key.pem"), PemKeys.privateKeyPem(pair.getPrivate()));
    publicKeyFile =
        Files.writeString(work.resolve("key.pub.pem"), PemKeys.publicKeyPem(pair.getPublic()));
  }

  @Test
  void signedDeltaRestoresTargetImage() throws IOException {
    Map<String, String> baseBefore = tree(oldLayout);

    CliRun.Result made = make(oldLayout + ":1.0", newLayout + ":1.1", true);
    CliRun.Result applied = apply(oldLayout + ":1.0", work.resolve("out") + ":next", true);

    assertThat(made.exitCode()).as(made.err()).isZero();
    assertThat(made.out()).contains(oldManifest.value()).contains(newManifest.value());
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(LayoutFixture.tagged(work.resolve("out"), "next")).isEqualTo(newManifest);
    assertThat(tree(work.resolve("out"))).containsAllEntriesOf(blobs(newLayout));
    assertThat(tree(oldLayout)).isEqualTo(baseBefore);
  }

  @Test
  void deltaIsSmallFractionOfTarget() throws IOException {
    CliRun.Result made = make(oldLayout + ":1.0", newLayout + ":1.1", false);

    assertThat(made.exitCode()).as(made.err()).isZero();
    long layerSize = targetLayer().length;
    assertThat(Files.size(work.resolve("delta.bin"))).isLessThan(layerSize / 4);
  }

  @Test
  void unsignedDeltaAppliesIntoBaseLayout() {
    make(oldLayout + ":1.0", newLayout + ":1.1", false);

    CliRun.Result applied = apply(oldLayout + ":1.0", oldLayout + ":1.1", false);

    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(LayoutFixture.tagged(oldLayout, "1.1")).isEqualTo(newManifest);
    assertThat(LayoutFixture.tagged(oldLayout, "1.0")).isEqualTo(oldManifest);
    assertThat(leftovers(oldLayout)).isEmpty();
  }

  @Test
  void sharedLayerIsCopiedFromBase() throws IOException {
    byte[] shared = LayoutFixture.tar(LayoutFixture.jdkFiles("libjimage.so"), 1_600_000_000L);
    Path twoOld = work.resolve("two-old");
    Path twoNew = work.resolve("two-new");
    LayoutFixture.image(twoOld, "1.0", "amd64", true, shared, baseLayer());
    Digest target = LayoutFixture.image(twoNew, "1.1", "amd64", true, shared, targetLayer());

    CliRun.Result made = make(twoOld + ":1.0", twoNew + ":1.1", false);
    CliRun.Result applied = apply(twoOld + ":1.0", work.resolve("out") + ":1.1", false);

    assertThat(made.exitCode()).as(made.err()).isZero();
    assertThat(made.out()).contains("1 reused, 1 encoded");
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(applied.out()).contains("1 rebuilt, 1 reused");
    assertThat(LayoutFixture.tagged(work.resolve("out"), "1.1")).isEqualTo(target);
    assertThat(tree(work.resolve("out"))).containsAllEntriesOf(blobs(twoNew));
  }

  @Test
  void gzipLayersRestoreExactBlobs() throws IOException {
    Path gzipOld = work.resolve("gzip-old");
    Path gzipNew = work.resolve("gzip-new");
    LayoutFixture.image(gzipOld, "1.0", "amd64", true, baseLayer());
    Digest target = LayoutFixture.image(gzipNew, "1.1", "amd64", true, targetLayer());

    CliRun.Result made = make(gzipOld + ":1.0", gzipNew + ":1.1", true);
    CliRun.Result applied = apply(gzipOld + ":1.0", work.resolve("out") + ":1.1", true);

    assertThat(made.exitCode()).as(made.err()).isZero();
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(LayoutFixture.tagged(work.resolve("out"), "1.1")).isEqualTo(target);
    assertThat(tree(work.resolve("out"))).containsAllEntriesOf(blobs(gzipNew));
  }

  @Test
  void localManifestTagServesAsNextBase() throws IOException {
    Path device = work.resolve("device");
    Path second = work.resolve("second");
    Path third = work.resolve("third");
    byte[] extraLayer = LayoutFixture.tar(Map.of("etc/extra.conf", bytes("extra\n")), 1);
    LayoutFixture.image(device, "1", "amd64", LayoutFixture::gzipInTwoMembers, baseLayer());
    LayoutFixture.image(second, "2", "amd64", LayoutFixture::gzipInTwoMembers, targetLayer());
    Digest target =
        LayoutFixture.image(
            third, "3", "amd64", LayoutFixture::gzipInTwoMembers, targetLayer(), extraLayer);

    make(device + ":1", second + ":2", true);
    CliRun.Result first = apply(device + ":1", device + ":current", true);
    make(second + ":2", third + ":3", true);
    CliRun.Result next = apply(device + ":current", device + ":current", true);

    assertThat(first.out()).contains("as the local manifest");
    assertThat(next.exitCode()).as(next.err()).isZero();
    assertThat(next.out()).contains("image " + target + " is current");
  }

  @Test
  void manifestOfOtherKeyIsRejected() throws IOException {
    make(oldLayout + ":1.0", newLayout + ":1.1", true);
    KeyPair other = KeyAlgorithm.ED25519.generate();
    Files.writeString(publicKeyFile, PemKeys.publicKeyPem(other.getPublic()));

    CliRun.Result applied = apply(oldLayout + ":1.0", work.resolve("out") + ":1.1", true);

    assertThat(applied.exitCode()).isEqualTo(1);
    assertThat(applied.err()).contains("UNKNOWN_KEY");
    assertThat(work.resolve("out")).doesNotExist();
  }

  @Test
  void deltaForOtherBaseIsRejected() throws IOException {
    make(oldLayout + ":1.0", newLayout + ":1.1", true);
    Path otherLayout = work.resolve("other");
    Digest other =
        LayoutFixture.image(
            otherLayout,
            "0.9",
            "amd64",
            false,
            LayoutFixture.tar(Map.of("etc/motd", bytes("hi")), 0));
    Map<String, String> before = tree(otherLayout);

    CliRun.Result signed = apply(otherLayout + ":0.9", otherLayout + ":1.1", true);
    CliRun.Result unsigned = apply(otherLayout + ":0.9", otherLayout + ":1.1", false);

    assertThat(signed.exitCode()).isEqualTo(1);
    assertThat(signed.err()).contains(other.value()).contains(oldManifest.value());
    assertThat(unsigned.exitCode()).isEqualTo(1);
    assertThat(unsigned.err()).contains("WRONG_SOURCE");
    assertThat(tree(otherLayout)).isEqualTo(before);
  }

  @Test
  void alteredPayloadIsRejectedBeforeApplying() throws IOException {
    make(oldLayout + ":1.0", newLayout + ":1.1", true);
    flipByte(work.resolve("delta.bin"), 0.5);

    CliRun.Result applied = apply(oldLayout + ":1.0", work.resolve("out") + ":1.1", true);

    assertThat(applied.exitCode()).isEqualTo(1);
    assertThat(applied.err()).contains("is not the payload the manifest signs");
    assertThat(work.resolve("out")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.02, 0.5, 0.98})
  void corruptUnsignedPayloadLeavesLayoutUnchanged(double position) throws IOException {
    make(oldLayout + ":1.0", newLayout + ":1.1", false);
    flipByte(work.resolve("delta.bin"), position);
    Map<String, String> before = tree(oldLayout);

    CliRun.Result applied = apply(oldLayout + ":1.0", oldLayout + ":1.1", false);

    assertThat(applied.exitCode()).as(applied.out()).isEqualTo(1);
    assertThat(tree(oldLayout)).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.01, 0.5, 0.99})
  void truncatedPayloadLeavesLayoutUnchanged(double keptShare) throws IOException {
    make(oldLayout + ":1.0", newLayout + ":1.1", false);
    Path payload = work.resolve("delta.bin");
    byte[] content = Files.readAllBytes(payload);
    Files.write(payload, java.util.Arrays.copyOf(content, (int) (content.length * keptShare)));
    Map<String, String> before = tree(oldLayout);

    CliRun.Result applied = apply(oldLayout + ":1.0", oldLayout + ":1.1", false);

    assertThat(applied.exitCode()).isEqualTo(1);
    assertThat(applied.err()).containsAnyOf("TRUNCATED_PAYLOAD", "CORRUPT_PAYLOAD");
    assertThat(tree(oldLayout)).isEqualTo(before);
  }

  @Test
  void indexNeedsPlatformChoice() {
    Path multi = work.resolve("multi");
    Digest amd64 = LayoutFixture.manifest(multi, "amd64", false, baseLayer());
    Digest arm64 = LayoutFixture.manifest(multi, "arm64", false, baseLayer(), bytes("x"));
    LayoutFixture.index(multi, "1.0", platforms(amd64, arm64));

    CliRun.Result unchosen = make(multi + ":1.0", newLayout + ":1.1", false);
    CliRun.Result chosen =
        cli.run(
            "delta",
            "make",
            "--from",
            "oci:" + multi + ":1.0",
            "--to",
            "oci:" + newLayout + ":1.1",
            "--platform",
            "linux/amd64",
            "-o",
            work.resolve("delta.bin").toString());

    assertThat(unchosen.exitCode()).isEqualTo(2);
    assertThat(unchosen.err()).contains("--platform").contains("linux/amd64, linux/arm64");
    assertThat(chosen.exitCode()).as(chosen.err()).isZero();
    assertThat(chosen.out()).contains(amd64.value());
  }

  @Test
  void unknownTagNamesExistingTags() {
    CliRun.Result made = make(oldLayout + ":2.0", newLayout + ":1.1", false);

    assertThat(made.exitCode()).isEqualTo(2);
    assertThat(made.err()).contains("'2.0'").contains("1.0");
  }

  @Test
  void missingLayoutIsBadInput() {
    CliRun.Result made = make(work.resolve("nowhere") + ":1.0", newLayout + ":1.1", false);

    assertThat(made.exitCode()).isEqualTo(2);
    assertThat(made.err()).contains("is not an OCI image layout");
  }

  @Test
  void sameImageTwiceIsBadInput() {
    CliRun.Result made = make(oldLayout + ":1.0", oldLayout + "@" + oldManifest, false);

    assertThat(made.exitCode()).isEqualTo(2);
    assertThat(made.err()).contains("same image");
  }

  @Test
  void signKeyWithoutManifestIsUsageError() {
    CliRun.Result made =
        cli.run(
            "delta",
            "make",
            "--from",
            "oci:" + oldLayout + ":1.0",
            "--to",
            "oci:" + newLayout + ":1.1",
            "-o",
            work.resolve("delta.bin").toString(),
            "--sign-key",
            keyFile.toString());

    assertThat(made.exitCode()).isEqualTo(2);
    assertThat(made.err()).contains("--sign-key and --manifest go together");
  }

  @Test
  void invalidImageReferenceIsUsageError() {
    CliRun.Result made =
        cli.run("delta", "make", "--from", "not an image", "--to", "oci:" + newLayout, "-o", "x");

    assertThat(made.exitCode()).isEqualTo(2);
    assertThat(made.err()).contains("'not an image'").contains("oci:DIR[:TAG|@sha256:HEX]");
  }

  @Test
  void publicKeyAsSignKeyIsUsageError() {
    CliRun.Result made =
        cli.run(
            "delta",
            "make",
            "--from",
            "oci:" + oldLayout + ":1.0",
            "--to",
            "oci:" + newLayout + ":1.1",
            "-o",
            work.resolve("delta.bin").toString(),
            "--sign-key",
            publicKeyFile.toString(),
            "--manifest",
            work.resolve("m.json").toString());

    assertThat(made.exitCode()).isEqualTo(2);
    assertThat(made.err()).contains(publicKeyFile.toString());
    assertThat(work.resolve("delta.bin")).doesNotExist();
  }

  @Test
  void applyToRegistryIsUsageError() {
    CliRun.Result applied =
        cli.run(
            "delta",
            "apply",
            "--base",
            "oci:" + oldLayout + ":1.0",
            "--delta",
            work.resolve("delta.bin").toString(),
            "--to",
            "127.0.0.1:5000/acme/app:1.1");

    assertThat(applied.exitCode()).isEqualTo(2);
    assertThat(applied.err()).contains("--to");
  }

  @Test
  void helpListsDeltaExitCodes() {
    CliRun.Result help = cli.run("delta", "apply", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Exit codes").contains("The delta was rejected");
    assertThat(help.out()).doesNotContain("The release failed");
  }

  @Test
  void missingOutputDirectoryIsBadInput() {
    CliRun.Result made =
        cli.run(
            "delta",
            "make",
            "--from",
            "oci:" + oldLayout + ":1.0",
            "--to",
            "oci:" + newLayout + ":1.1",
            "-o",
            work.resolve("no/such/dir/delta.bin").toString());

    assertThat(made.exitCode()).isEqualTo(2);
    assertThat(made.err()).contains("does not exist");
  }

  @Test
  void makeLogsNothingToStandardOutput() {
    // Without a Logback configuration, as in the slipway jar, the root logger's DEBUG decides.
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger slipway = (Logger) LoggerFactory.getLogger("io.slipway");
    Level rootLevel = root.getLevel();
    Level slipwayLevel = slipway.getLevel();
    root.setLevel(Level.DEBUG);
    slipway.setLevel(null);
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      make(oldLayout + ":1.0", newLayout + ":1.1", false);
    } finally {
      System.setOut(original);
      root.setLevel(rootLevel);
      slipway.setLevel(slipwayLevel);
    }

    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("INFO");
  }

  @Test
  void outputDirectoryIsBadInput() {
    CliRun.Result made =
        cli.run(
            "delta",
            "make",
            "--from",
            "oci:" + oldLayout + ":1.0",
            "--to",
            "oci:" + newLayout + ":1.1",
            "-o",
            work.toString());

    assertThat(made.exitCode()).isEqualTo(2);
    assertThat(made.err()).contains("is a directory");
  }

  @Test
  void deltaDirectoryIsBadInput() {
    CliRun.Result applied =
        cli.run(
            "delta",
            "apply",
            "--base",
            "oci:" + oldLayout + ":1.0",
            "--delta",
            work.toString(),
            "--to",
            "oci:" + work.resolve("out"));

    assertThat(applied.exitCode()).isEqualTo(2);
    assertThat(applied.err()).contains("is a directory");
  }

  @Test
  void rejectedDeltaLeavesNoNewLayout() throws IOException {
    make(oldLayout + ":1.0", newLayout + ":1.1", false);
    flipByte(work.resolve("delta.bin"), 0.5);

    CliRun.Result applied = apply(oldLayout + ":1.0", work.resolve("fresh/out") + ":1.1", false);

    assertThat(applied.exitCode()).as(applied.err()).isEqualTo(1);
    assertThat(work.resolve("fresh")).doesNotExist();
  }

  @Test
  void invalidTagIsUsageErrorBeforeApplying() {
    make(oldLayout + ":1.0", newLayout + ":1.1", false);

    CliRun.Result applied = apply(oldLayout + ":1.0", work.resolve("out") + ":bad tag", false);

    assertThat(applied.exitCode()).isEqualTo(2);
    assertThat(applied.err()).contains("tag 'bad tag' is invalid");
    assertThat(work.resolve("out")).doesNotExist();
  }

  private CliRun.Result make(String from, String to, boolean sign) {
    Path output = work.resolve("delta.bin");
    if (!sign) {
      return cli.run(
          "delta", "make", "--from", "oci:" + from, "--to", "oci:" + to, "-o", output.toString());
    }
    return cli.run(
        "delta",
        "make",
        "--from",
        "oci:" + from,
        "--to",
        "oci:" + to,
        "-o",
        output.toString(),
        "--sign-key",
        keyFile.toString(),
        "--manifest",
        work.resolve("delta.json").toString());
  }

  private CliRun.Result apply(String base, String to, boolean verify) {
    Path payload = work.resolve("delta.bin");
    if (!verify) {
      return cli.run(
          "delta",
          "apply",
          "--base",
          "oci:" + base,
          "--delta",
          payload.toString(),
          "--to",
          "oci:" + to);
    }
    return cli.run(
        "delta",
        "apply",
        "--base",
        "oci:" + base,
        "--delta",
        payload.toString(),
        "--to",
        "oci:" + to,
        "--manifest",
        work.resolve("delta.json").toString(),
        "--trusted-key",
        publicKeyFile.toString());
  }

  /** Returns the base layer: real JDK libraries and a text file. */
  private static byte[] baseLayer() {
    Map<String, byte[]> files =
        LayoutFixture.jdkFiles("libjava.so", "libzip.so", "libnet.so", "libnio.so", "libverify.so");
    files.put("etc/os-release", bytes("NAME=Slipway test\nVERSION=1.0\n"));
    return LayoutFixture.tar(files, 1_700_000_000L);
  }

  /**
   * Returns the target layer: libnet.so patched in one region, libzip.so renamed, libverify.so
   * removed, the text file changed, and the order and modification times different.
   */
  private static byte[] targetLayer() {
    Map<String, byte[]> old =
        LayoutFixture.jdkFiles("libjava.so", "libzip.so", "libnet.so", "libnio.so");
    byte[] patched = old.get("usr/lib/jvm/libnet.so").clone();
    for (int i = patched.length / 3; i < patched.length / 3 + 2048; i++) {
      patched[i] = (byte) (patched[i] ^ 0x5a);
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("etc/os-release", bytes("NAME=Slipway test\nVERSION=1.1\n"));
    files.put("usr/lib/jvm/libnio.so", old.get("usr/lib/jvm/libnio.so"));
    files.put("usr/lib/jvm/libnet.so", patched);
    files.put("usr/lib/jvm/libzip-renamed.so", old.get("usr/lib/jvm/libzip.so"));
    files.put("usr/lib/jvm/libjava.so", old.get("usr/lib/jvm/libjava.so"));
    return LayoutFixture.tar(files, 1_800_000_000L);
  }

  /** Returns every file below {@code root} with the SHA-256 of its content. */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(path).toString(), Digest.of(Files.readAllBytes(path)).value());
      }
    }
    return files;
  }

  /** Returns the blobs of {@code layout}, as {@link #tree} lists them. */
  private static Map<String, String> blobs(Path layout) throws IOException {
    Map<String, String> blobs = new TreeMap<>(tree(layout));
    blobs.keySet().removeIf(name -> !name.startsWith("blobs"));
    return blobs;
  }

  /** Returns the staging directories that an apply left in {@code layout}. */
  private static java.util.List<Path> leftovers(Path layout) {
    try (Stream<Path> paths = Files.list(layout)) {
      return paths.filter(path -> path.getFileName().toString().startsWith(".")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void flipByte(Path file, double position) throws IOException {
    byte[] content = Files.readAllBytes(file);
    int index = Math.min(content.length - 1, (int) (content.length * position));
    content[index] ^= 0x01;
    Files.write(file, content);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, Digest> platforms(Digest amd64, Digest arm64) {
    Map<String, Digest> platforms = new LinkedHashMap<>();
    platforms.put("amd64", amd64);
    platforms.put("arm64", arm64);
    return platforms;
  }
}
