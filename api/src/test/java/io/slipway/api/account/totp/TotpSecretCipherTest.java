package io.slipway.api.account.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TotpSecretCipherTest {

  private static final String SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

  @TempDir Path directory;

  private Path keyFile() {
    return directory.resolve("keys").resolve("totp-secrets.key");
  }

  @Test
  void opensWhatItSealed() {
    TotpSecretCipher cipher = TotpSecretCipher.loadOrGenerate(keyFile());

    String sealed = cipher.seal(7, SECRET);

    assertThat(sealed).startsWith("v1:").doesNotContain(SECRET);
    assertThat(cipher.open(7, sealed)).isEqualTo(SECRET);
  }

  @Test
  void sealsWithFreshNonceEachTime() {
    TotpSecretCipher cipher = TotpSecretCipher.loadOrGenerate(keyFile());

    assertThat(cipher.seal(7, SECRET)).isNotEqualTo(cipher.seal(7, SECRET));
  }

  @Test
  void keyFileIsPrivateAndReloaded() throws Exception {
    String sealed = TotpSecretCipher.loadOrGenerate(keyFile()).seal(7, SECRET);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())))
        .isEqualTo("rw-------");
    assertThat(TotpSecretCipher.loadOrGenerate(keyFile()).open(7, sealed)).isEqualTo(SECRET);
  }

  @Test
  void rejectsSecretOfAnotherUser() {
    TotpSecretCipher cipher = TotpSecretCipher.loadOrGenerate(keyFile());
    String sealed = cipher.seal(7, SECRET);

    assertThatThrownBy(() -> cipher.open(8, sealed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("user id 8");
  }

  @Test
  void rejectsAlteredValue() {
    TotpSecretCipher cipher = TotpSecretCipher.loadOrGenerate(keyFile());
    byte[] bytes = Base64.getDecoder().decode(cipher.seal(7, SECRET).substring(3));
    bytes[bytes.length - 1] ^= 1;
    String altered = "v1:" + Base64.getEncoder().encodeToString(bytes);

    assertThatThrownBy(() -> cipher.open(7, altered)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsValueSealedWithAnotherKey() {
    String sealed = TotpSecretCipher.loadOrGenerate(keyFile()).seal(7, SECRET);
    TotpSecretCipher other = TotpSecretCipher.loadOrGenerate(directory.resolve("other.key"));

    assertThatThrownBy(() -> other.open(7, sealed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another key file");
  }

  @Test
  void rejectsClearTextValue() {
    TotpSecretCipher cipher = TotpSecretCipher.loadOrGenerate(keyFile());

    assertThatThrownBy(() -> cipher.open(7, SECRET)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsKeyFileOfWrongLength() throws Exception {
    Files.createDirectories(keyFile().getParent());
    Files.writeString(keyFile(), Base64.getEncoder().encodeToString(new byte[16]));

    assertThatThrownBy(() -> TotpSecretCipher.loadOrGenerate(keyFile()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("32 bytes");
  }
}
