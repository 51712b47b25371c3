package io.slipway.api.registry.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSigningKeyTest {

  @TempDir Path dataDirectory;

  private Path keyFile() {
    return dataDirectory.resolve("keys").resolve("registry-token-signing.pem");
  }

  @Test
  void generatedKeyFileIsOwnerOnly() throws Exception {
    TokenSigningKey.loadOrGenerate(keyFile());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile().getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void generatedKeyFileHoldsPkcs8PrivateKey() throws Exception {
    TokenSigningKey.loadOrGenerate(keyFile());

    assertThat(Files.readString(keyFile()))
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .contains("-----BEGIN PUBLIC KEY-----\n");
  }

  @Test
  void secondLoadReturnsSameKey() {
    TokenSigningKey generated = TokenSigningKey.loadOrGenerate(keyFile());
    TokenSigningKey loaded = TokenSigningKey.loadOrGenerate(keyFile());

    assertThat(loaded.publicKey()).isEqualTo(generated.publicKey());
    assertThat(loaded.keyId()).isEqualTo(generated.keyId());
  }

  @Test
  void keyIsOnP256() {
    TokenSigningKey key = TokenSigningKey.loadOrGenerate(keyFile());

    assertThat(key.publicKey().getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
  }

  @Test
  void mismatchedPublicKeyIsRejected() throws Exception {
    String first = TokenSigningKey.generate().toPem();
    String second = TokenSigningKey.generate().toPem();
    String mixed =
        first.substring(0, first.indexOf("-----BEGIN PUBLIC KEY-----"))
            + second.substring(second.indexOf("-----BEGIN PUBLIC KEY-----"));
    Files.createDirectories(keyFile().getParent());
    Files.writeString(keyFile(), mixed);

    assertThatThrownBy(() -> TokenSigningKey.loadOrGenerate(keyFile()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(keyFile().toString())
        .hasMessageContaining("does not match");
  }

  @Test
  void fileWithoutPemBlocksIsRejected() throws Exception {
    Files.createDirectories(keyFile().getParent());
    Files.writeString(keyFile(), "not a key\n");

    assertThatThrownBy(() -> TokenSigningKey.loadOrGenerate(keyFile()))
        .hasMessageContaining(keyFile().toString())
        .hasMessageContaining("delete it to generate a new key");
  }

  @Test
  void toStringShowsOnlyKeyId() {
    TokenSigningKey key = TokenSigningKey.generate();

    assertThat(key.toString()).isEqualTo("TokenSigningKey[kid=" + key.keyId() + "]");
  }
}
