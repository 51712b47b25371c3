package io.slipway.signing.bundle;

import static io.slipway.signing.TestKeys.NOW;
import static io.slipway.signing.TestKeys.SIGNED_AT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.Signer;
import io.slipway.signing.SigningException;
import io.slipway.signing.TestKeys;
import io.slipway.signing.image.ImageStatements;
import io.slipway.signing.intoto.Statement;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BundleSignerTest {

  private static final byte[] CONTENT = "os image delta".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void ecdsaFileIsSignedByDigestOnly() throws Exception {
    LocalSigner key = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Signer digestOnly = new DelegatingSigner(key, false, true);
    Path file = Files.write(dir.resolve("delta"), CONTENT);

    Bundle bundle = BundleSigner.signFile(digestOnly, file);

    BundleVerifier.verifyFile(bundle, CONTENT, TestKeys.trusting(key), SIGNED_AT, NOW);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void fileIsSignedWholeWhenSignerSignsNoDigests(KeyAlgorithm algorithm) throws Exception {
    LocalSigner key = TestKeys.signer(algorithm);
    Signer messageOnly = new DelegatingSigner(key, true, false);
    Path file = Files.write(dir.resolve("delta"), CONTENT);

    Bundle bundle = BundleSigner.signFile(messageOnly, file);

    BundleVerifier.verifyFile(bundle, file, TestKeys.trusting(key), SIGNED_AT, NOW);
  }

  @Test
  void statementBundleCarriesSignerHint() {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ED25519);
    Statement statement =
        ImageStatements.of(
            "acme/gw/web", "sha256:" + "1f".repeat(32), "application/json", SIGNED_AT);

    Bundle bundle = BundleSigner.signStatement(signer, statement);

    assertThat(bundle.hint()).isEqualTo(signer.hint());
    assertThat(bundle.envelope().orElseThrow().payloadType()).isEqualTo(Statement.PAYLOAD_TYPE);
    assertThat(bundle.envelope().orElseThrow().payload()).isEqualTo(statement.toJson());
  }

  @Test
  void missingFileIsReported() {
    Path missing = dir.resolve("missing");

    assertThatThrownBy(
            () -> BundleSigner.signFile(TestKeys.signer(KeyAlgorithm.ECDSA_P256), missing))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(missing.toString());
  }

  /** Passes calls to a key, and fails the kinds of signing a test forbids. */
  private record DelegatingSigner(LocalSigner key, boolean signsMessages, boolean signsDigests)
      implements Signer {

    @Override
    public KeyAlgorithm algorithm() {
      return key.algorithm();
    }

    @Override
    public PublicKey publicKey() {
      return key.publicKey();
    }

    @Override
    public byte[] sign(byte[] data) {
      if (!signsMessages) {
        throw new AssertionError("sign(byte[]) was called although the digest sufficed");
      }
      return key.sign(data);
    }

    @Override
    public Optional<byte[]> signDigest(byte[] sha256) {
      return signsDigests ? key.signDigest(sha256) : Optional.empty();
    }
  }
}
