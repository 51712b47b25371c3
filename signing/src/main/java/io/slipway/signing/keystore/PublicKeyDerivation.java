package io.slipway.signing.keystore;

import io.slipway.signing.SigningException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * Computes the public half of an imported private key, because a PKCS#8 file need not contain it
 * and the JCA has no call that derives it. Stateless.
 */
final class PublicKeyDerivation {

  private PublicKeyDerivation() {}

  /**
   * Returns the public key of {@code privateKey}, an EC or Ed25519 key.
   *
   * @throws SigningException when the key is of another kind
   */
  static PublicKey of(PrivateKey privateKey) {
    if (privateKey instanceof ECPrivateKey ec) {
      return ofEc(ec);
    }
    if (privateKey instanceof EdECPrivateKey edwards) {
      return ofEd25519(edwards);
    }
    throw new SigningException(
        privateKey.getAlgorithm() + " keys are not supported; use ECDSA P-256 or Ed25519");
  }

  /**
   * Multiplies the curve's generator by the private scalar. NOTE: the arithmetic is not constant
   * time. It runs once per import, on a key that the caller already has in memory.
   */
  private static PublicKey ofEc(ECPrivateKey privateKey) {
    ECParameterSpec params = privateKey.getParams();
    if (!(params.getCurve().getField() instanceof ECFieldFp field)) {
      throw new SigningException("EC keys over binary fields are not supported; use P-256");
    }
    ECPoint point =
        multiply(params.getGenerator(), privateKey.getS(), field.getP(), params.getCurve().getA());
    try {
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, params));
    } catch (GeneralSecurityException e) {
      throw new SigningException("Cannot build the public half of an imported EC key", e);
    }
  }

  private static ECPoint multiply(ECPoint base, BigInteger scalar, BigInteger p, BigInteger a) {
    ECPoint result = ECPoint.POINT_INFINITY;
    for (int bit = scalar.bitLength() - 1; bit >= 0; bit--) {
      result = add(result, result, p, a);
      if (scalar.testBit(bit)) {
        result = add(result, base, p, a);
      }
    }
    return result;
  }

  /** Adds two points in affine coordinates on y^2 = x^3 + ax + b over GF(p). */
  private static ECPoint add(ECPoint first, ECPoint second, BigInteger p, BigInteger a) {
    if (first.equals(ECPoint.POINT_INFINITY)) {
      return second;
    }
    if (second.equals(ECPoint.POINT_INFINITY)) {
      return first;
    }
    BigInteger x1 = first.getAffineX();
    BigInteger y1 = first.getAffineY();
    BigInteger x2 = second.getAffineX();
    BigInteger y2 = second.getAffineY();

    BigInteger slope;
    if (x1.equals(x2)) {
      if (!y1.equals(y2) || y1.signum() == 0) {
        return ECPoint.POINT_INFINITY;
      }
      BigInteger numerator = x1.pow(2).multiply(BigInteger.valueOf(3)).add(a);
      slope = numerator.multiply(y1.shiftLeft(1).modInverse(p)).mod(p);
    } else {
      slope = y2.subtract(y1).multiply(x2.subtract(x1).modInverse(p)).mod(p);
    }
    BigInteger x3 = slope.pow(2).subtract(x1).subtract(x2).mod(p);
    BigInteger y3 = slope.multiply(x1.subtract(x3)).subtract(y1).mod(p);
    return new ECPoint(x3, y3);
  }

  /**
   * Regenerates the key pair from the private key's 32-byte seed: the JDK's Ed25519 generator
   * (SunEC, Java 15 and later) draws exactly the seed from its random source, which here returns
   * the seed. The result is checked, so another provider's behaviour fails loudly.
   */
  private static PublicKey ofEd25519(EdECPrivateKey privateKey) {
    byte[] seed =
        privateKey
            .getBytes()
            .orElseThrow(
                () -> new SigningException("The imported Ed25519 key does not expose its seed"));
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
      KeyPair pair = generator.generateKeyPair();
      byte[] regenerated = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElse(new byte[0]);
      if (!Arrays.equals(regenerated, seed)) {
        throw new SigningException(
            "This Java runtime cannot compute the public half of an imported Ed25519 key");
      }
      return pair.getPublic();
    } catch (GeneralSecurityException e) {
      throw new SigningException("This Java runtime cannot generate Ed25519 keys", e);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** A random source that returns one fixed seed; it serves only the derivation above. */
  private static final class SeedRandom extends SecureRandom {

    private final byte[] seed;

    SeedRandom(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
    }
  }
}
