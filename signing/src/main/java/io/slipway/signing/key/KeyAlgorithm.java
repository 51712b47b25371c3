package io.slipway.signing.key;

import io.slipway.signing.SigningException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Locale;

/**
 * The signature algorithms Slipway signs with. ECDSA P-256 is the default because every verifier
 * accepts it; Ed25519 is optional. Stateless and thread-safe: each call uses its own JCA objects.
 */
public enum KeyAlgorithm {
  /** ECDSA over NIST P-256 with SHA-256; signatures are DER. */
  ECDSA_P256("EC", "SHA256withECDSA"),
  /** Ed25519 (RFC 8032); signatures are the raw 64 bytes. */
  ED25519("Ed25519", "Ed25519");

  /**
   * ECDSA over a digest the caller computed. Over a SHA-256 digest and the P-256 curve it yields
   * the same signatures as {@code SHA256withECDSA} over the message.
   */
  private static final String DIGEST_SIGNATURE_ALGORITHM = "NONEwithECDSA";

  /** The domain parameters of P-256 (secp256r1), against which EC keys are matched. */
  private static final ECParameterSpec P256 = p256();

  private final String keyAlgorithm;
  private final String signatureAlgorithm;

  KeyAlgorithm(String keyAlgorithm, String signatureAlgorithm) {
    this.keyAlgorithm = keyAlgorithm;
    this.signatureAlgorithm = signatureAlgorithm;
  }

  /** Returns the JCA key algorithm name, {@code EC} or {@code Ed25519}. */
  public String jcaKeyAlgorithm() {
    return keyAlgorithm;
  }

  /** Generates a fresh key pair. */
  public KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(keyAlgorithm);
      if (this == ECDSA_P256) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new SigningException("This Java runtime cannot generate " + this + " keys", e);
    }
  }

  /**
   * Signs {@code data} with {@code key}.
   *
   * @throws SigningException when the key does not belong to this algorithm
   */
  public byte[] sign(PrivateKey key, byte[] data) {
    try {
      Signature signature = Signature.getInstance(signatureAlgorithm);
      signature.initSign(key);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new SigningException("Cannot sign with a " + key.getAlgorithm() + " key as " + this, e);
    }
  }

  /**
   * Returns whether {@code signature} over {@code data} verifies with {@code key}. A truncated or
   * garbled signature yields false rather than an exception.
   */
  public boolean verify(PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(signatureAlgorithm);
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Returns whether this algorithm can sign a SHA-256 digest in place of the message, which lets
   * callers sign files larger than memory. True for ECDSA P-256, whose signature covers the
   * message's SHA-256 anyway; false for Ed25519, which hashes the whole message itself.
   */
  public boolean signsDigests() {
    return this == ECDSA_P256;
  }

  /**
   * Signs the SHA-256 digest of a message with {@code key}. The result verifies with {@link
   * #verify} over the message itself.
   *
   * @param sha256 the message's 32-byte SHA-256
   * @throws SigningException when this algorithm cannot sign digests (see {@link #signsDigests()})
   *     or the key does not belong to it
   */
  public byte[] signDigest(PrivateKey key, byte[] sha256) {
    requireDigestSupport(sha256);
    try {
      Signature signature = Signature.getInstance(DIGEST_SIGNATURE_ALGORITHM);
      signature.initSign(key);
      signature.update(sha256);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new SigningException(
          "Cannot sign a digest with a " + key.getAlgorithm() + " key as " + this, e);
    }
  }

  /**
   * Returns whether {@code signature} verifies with {@code key} over the message whose SHA-256 is
   * {@code sha256}. A truncated or garbled signature yields false rather than an exception.
   *
   * @throws SigningException when this algorithm cannot verify digests (see {@link
   *     #signsDigests()})
   */
  public boolean verifyDigest(PublicKey key, byte[] sha256, byte[] signature) {
    requireDigestSupport(sha256);
    try {
      Signature verifier = Signature.getInstance(DIGEST_SIGNATURE_ALGORITHM);
      verifier.initVerify(key);
      verifier.update(sha256);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private void requireDigestSupport(byte[] sha256) {
    if (!signsDigests()) {
      throw new SigningException(this + " signs whole messages only, not their digests");
    }
    if (sha256.length != 32) {
      throw new SigningException(
          "A SHA-256 digest has 32 bytes, not " + sha256.length + " as given");
    }
  }

  /**
   * Returns the algorithm of {@code key}.
   *
   * @throws SigningException naming the key's algorithm or curve when it is neither P-256 nor
   *     Ed25519
   */
  public static KeyAlgorithm of(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      if (isP256(ec.getParams())) {
        return ECDSA_P256;
      }
      // Other 256-bit curves, such as secp256k1 and brainpoolP256r1, are not P-256 either.
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      throw new SigningException(
          "EC key on a "
              + bits
              + "-bit curve other than P-256 is not supported; use ECDSA P-256 or Ed25519");
    }
    String name = key.getAlgorithm().toUpperCase(Locale.ROOT);
    if (name.equals("ED25519") || name.equals("EDDSA")) {
      return ED25519;
    }
    throw new SigningException(
        key.getAlgorithm() + " keys are not supported; use ECDSA P-256 or Ed25519");
  }

  private static boolean isP256(ECParameterSpec params) {
    return params.getCurve().equals(P256.getCurve())
        && params.getGenerator().equals(P256.getGenerator())
        && params.getOrder().equals(P256.getOrder())
        && params.getCofactor() == P256.getCofactor();
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This Java runtime does not know the P-256 curve", e);
    }
  }
}
