package io.slipway.signing.image;

import static io.slipway.signing.VerificationAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.signing.VerificationFailure;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.intoto.Statement;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ImageVerifierTest {

  private static final String REPOSITORY = "acme/gateways/web";
  private static final String MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
  private static final Instant SIGNED = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant NOW = Instant.parse("2026-03-02T00:00:00Z");

  private final LocalSigner signer = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
  private final TrustPolicy policy =
      TrustPolicy.of(TrustedKey.active(signer.publicKey(), SIGNED.minusSeconds(3600)));
  private final byte[] manifest =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"
          .getBytes(StandardCharsets.UTF_8);
  private final String digest = sha256(manifest);

  @Test
  void acceptsSignedManifest() {
    Statement statement = ImageVerifier.verify(manifest, digest, sign(digest), policy, NOW);

    assertThat(statement.hasSubjectDigest(digest.substring(7))).isTrue();
  }

  @Test
  void rejectsTamperedManifest() {
    byte[] tampered = manifest.clone();
    tampered[tampered.length - 2] = ' ';

    assertFails(
        () -> ImageVerifier.verify(tampered, digest, sign(digest), policy, NOW),
        VerificationFailure.DIGEST_MISMATCH);
  }

  @Test
  void rejectsBundleForAnotherDigest() {
    String other = "sha256:" + "e".repeat(64);

    assertFails(
        () -> ImageVerifier.verify(manifest, digest, sign(other), policy, NOW),
        VerificationFailure.DIGEST_MISMATCH);
  }

  @Test
  void rejectsBundleOfUntrustedKey() {
    LocalSigner stranger = LocalSigner.generate(KeyAlgorithm.ED25519);
    Bundle foreign =
        BundleSigner.signStatement(
            stranger, ImageStatements.of(REPOSITORY, digest, MEDIA_TYPE, SIGNED));

    assertFails(
        () -> ImageVerifier.verify(manifest, digest, foreign, policy, NOW),
        VerificationFailure.UNKNOWN_KEY);
  }

  private Bundle sign(String subjectDigest) {
    return BundleSigner.signStatement(
        signer, ImageStatements.of(REPOSITORY, subjectDigest, MEDIA_TYPE, SIGNED));
  }

  private static String sha256(byte[] content) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
