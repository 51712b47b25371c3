package io.slipway.signing.keystore;

import io.slipway.signing.SigningException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Computes the public half of an imported private key, because a PKCS#8 file need not contain it
 * and the JCA has no call that derives it. The curve arithmetic is BouncyCastle's (a fixed-base
 * comb multiplier on its own P-256 field code, and its Ed25519 implementation) rather than
 * hand-written. Stateless.
 */
public final class PublicKeyDerivation {

  /** The DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410); the 32 key bytes follow. */
  private static final byte[] ED25519_SPKI_PREFIX =
      HexFormat.of().parseHex("302a300506032b6570032100");

  private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");

  private PublicKeyDerivation() {}

  /**
   * Returns the public key of {@code privateKey}, an ECDSA P-256 or Ed25519 key.
   *
   * @throws SigningException when the key is of another kind or curve
   */
  public static PublicKey of(PrivateKey privateKey) {
    if (privateKey instanceof ECPrivateKey ec) {
      return ofP256(ec);
    }
    if (privateKey instanceof EdECPrivateKey edwards) {
      return ofEd25519(edwards);
    }
    throw new SigningException(
        privateKey.getAlgorithm() + " keys are not supported; use ECDSA P-256 or Ed25519");
  }

  private static PublicKey ofP256(ECPrivateKey privateKey) {
    ECParameterSpec params = privateKey.getParams();
    boolean p256 =
        params.getCurve().getField().getFieldSize() == 256
            && params.getOrder().equals(P256.getN())
            && params
                .getGenerator()
                .getAffineX()
                .equals(P256.getG().getAffineXCoord().toBigInteger());
    if (!p256) {
      throw new SigningException(
          "The imported EC key is on a "
              + params.getCurve().getField().getFieldSize()
              + "-bit curve other than P-256; use ECDSA P-256 or Ed25519");
    }

    ECMultiplier multiplier = new FixedPointCombMultiplier();
    org.bouncycastle.math.ec.ECPoint point =
        multiplier.multiply(P256.getG(), privateKey.getS()).normalize();
    ECPoint jcaPoint =
        new ECPoint(point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger());
    try {
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(jcaPoint, params));
    } catch (GeneralSecurityException e) {
      throw new SigningException("Cannot build the public half of an imported EC key", e);
    }
  }

  private static PublicKey ofEd25519(EdECPrivateKey privateKey) {
    byte[] seed =
        privateKey
            .getBytes()
            .orElseThrow(
                () -> new SigningException("The imported Ed25519 key does not expose its seed"));
    try {
      byte[] publicKey = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
      byte[] spki =
          Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + publicKey.length);
      System.arraycopy(publicKey, 0, spki, ED25519_SPKI_PREFIX.length, publicKey.length);
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new SigningException("Cannot build the public half of an imported Ed25519 key", e);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }
}
