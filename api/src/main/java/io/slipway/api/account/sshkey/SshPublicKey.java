package io.slipway.api.account.sshkey;

import io.slipway.api.account.sshkey.InvalidSshKeyException.Reason;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.spec.ECField;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An SSH public key, parsed from the OpenSSH one-line format ({@code type base64-blob [comment]})
 * as in {@code id_ed25519.pub} or {@code authorized_keys}, and checked: the blob must hold the type
 * it is labelled with, ECDSA points must lie on their curve and RSA moduli must have at least
 * {@value #MIN_RSA_BITS} bits. Immutable.
 *
 * @param type the key algorithm
 * @param blob the key in the SSH wire format, the bytes the fingerprint is computed from
 * @param bits key size as {@code ssh-keygen -l} prints it
 * @param comment the text after the key, often {@code user@host}; empty when there is none
 */
public record SshPublicKey(SshKeyType type, byte[] blob, int bits, String comment) {

  /** Smallest RSA modulus accepted, in bits. */
  public static final int MIN_RSA_BITS = 3072;

  /** Largest RSA modulus accepted, in bits, which bounds the work a key costs. */
  public static final int MAX_RSA_BITS = 16384;

  /** Longest line accepted, in characters; a 16384-bit RSA key with a comment fits. */
  public static final int MAX_LINE_LENGTH = 8192;

  private static final int ED25519_KEY_BYTES = 32;

  public SshPublicKey {
    Objects.requireNonNull(type, "type");
    blob = blob.clone();
    comment = comment == null ? "" : comment;
  }

  /**
   * Parses and checks one line in the OpenSSH public key format.
   *
   * @throws InvalidSshKeyException naming what is wrong with the line and what to send instead
   */
  public static SshPublicKey parse(String line) {
    if (line == null || line.isBlank()) {
      throw malformed("The public key is empty: paste the contents of a .pub file");
    }
    if (line.length() > MAX_LINE_LENGTH) {
      throw malformed(
          "The public key line has "
              + line.length()
              + " characters, more than the "
              + MAX_LINE_LENGTH
              + " accepted: paste a single key");
    }
    String[] parts = line.strip().split("[ \\t]+", 3);
    if (parts.length < 2) {
      throw malformed(
          "The public key is not in the OpenSSH format 'type base64 [comment]': paste the"
              + " contents of a .pub file");
    }

    SshKeyType type = knownType(parts[0]);
    byte[] blob = decodeBase64(parts[1]);
    String comment = parts.length == 3 ? parts[2].strip() : "";
    int bits = checkBlob(type, blob);
    return new SshPublicKey(type, blob, bits, comment);
  }

  @Override
  public byte[] blob() {
    return blob.clone();
  }

  /**
   * Returns the fingerprint as {@code ssh-keygen -l} prints it by default: {@code SHA256:} and the
   * unpadded base64 of the SHA-256 of the blob.
   */
  public String fingerprint() {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(hash);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Every Java runtime provides SHA-256", e);
    }
  }

  /** Returns the key as one OpenSSH line, {@code type base64 [comment]}. */
  public String toOpenSsh() {
    String key = type.wireName() + " " + Base64.getEncoder().encodeToString(blob);
    return comment.isEmpty() ? key : key + " " + comment;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SshPublicKey key
        && type == key.type
        && Arrays.equals(blob, key.blob)
        && bits == key.bits
        && comment.equals(key.comment);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, Arrays.hashCode(blob), bits, comment);
  }

  @Override
  public String toString() {
    return "SshPublicKey[" + type.wireName() + " " + bits + " " + fingerprint() + "]";
  }

  private static SshKeyType knownType(String name) {
    if (name.equals("ssh-dss")) {
      throw new InvalidSshKeyException(
          Reason.UNSUPPORTED_TYPE,
          "DSA keys (ssh-dss) are refused as too weak: generate an Ed25519 key with"
              + " 'ssh-keygen -t ed25519'");
    }
    return SshKeyType.fromWireName(name)
        .orElseThrow(
            () ->
                new InvalidSshKeyException(
                    Reason.UNSUPPORTED_TYPE,
                    "Key type '"
                        + abbreviate(name)
                        + "' is not accepted: use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or"
                        + " ssh-rsa of at least "
                        + MIN_RSA_BITS
                        + " bits, and paste only the key line without options"));
  }

  private static byte[] decodeBase64(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed(
          "The key data is not valid base64: paste the whole line of the .pub file unchanged");
    }
  }

  /** Reads the blob as {@code type} requires, to its last byte, and returns the key size. */
  private static int checkBlob(SshKeyType type, byte[] blob) {
    WireReader reader = new WireReader(blob);
    String inner = reader.string();
    if (!inner.equals(type.wireName())) {
      throw malformed(
          "The key is labelled '"
              + type.wireName()
              + "' but its data holds a '"
              + abbreviate(inner)
              + "' key: paste the line of the .pub file unchanged");
    }

    int bits =
        switch (type) {
          case ED25519 -> checkEd25519(reader);
          case ECDSA_P256, ECDSA_P384, ECDSA_P521 -> checkEcdsa(type, reader);
          case RSA -> checkRsa(reader);
        };
    if (reader.remaining() != 0) {
      throw malformed(
          "The key data has "
              + reader.remaining()
              + " bytes after the "
              + type.wireName()
              + " key: paste the line of the .pub file unchanged");
    }
    return bits;
  }

  private static int checkEd25519(WireReader reader) {
    byte[] key = reader.bytes();
    if (key.length != ED25519_KEY_BYTES) {
      throw malformed(
          "The Ed25519 key has "
              + key.length
              + " bytes instead of "
              + ED25519_KEY_BYTES
              + ": paste the line of the .pub file unchanged");
    }
    return 256;
  }

  private static int checkEcdsa(SshKeyType type, WireReader reader) {
    String curve = reader.string();
    if (!curve.equals(type.curve())) {
      throw malformed(
          "The key is labelled '"
              + type.wireName()
              + "' but names curve '"
              + abbreviate(curve)
              + "': paste the line of the .pub file unchanged");
    }
    ECParameterSpec spec = curveParameters(type);
    int fieldBits = spec.getCurve().getField().getFieldSize();
    int coordinateBytes = (fieldBits + 7) / 8;

    byte[] point = reader.bytes();
    if (point.length != 1 + 2 * coordinateBytes || point[0] != 0x04) {
      throw malformed(
          "The "
              + type.wireName()
              + " key is not an uncompressed point of "
              + (1 + 2 * coordinateBytes)
              + " bytes: paste the line of the .pub file unchanged");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + coordinateBytes));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + coordinateBytes, point.length));
    if (!onCurve(spec, x, y)) {
      throw malformed("The " + type.wireName() + " key is not a point on its curve: it is corrupt");
    }
    return fieldBits;
  }

  private static int checkRsa(WireReader reader) {
    BigInteger exponent = reader.mpint();
    BigInteger modulus = reader.mpint();
    if (exponent.signum() <= 0 || !exponent.testBit(0) || exponent.equals(BigInteger.ONE)) {
      throw malformed("The RSA key has an invalid public exponent: it is corrupt");
    }
    if (modulus.signum() <= 0 || !modulus.testBit(0)) {
      throw malformed("The RSA key has an invalid modulus: it is corrupt");
    }

    int bits = modulus.bitLength();
    if (bits < MIN_RSA_BITS) {
      throw new InvalidSshKeyException(
          Reason.TOO_WEAK,
          "The RSA key has "
              + bits
              + " bits, fewer than the "
              + MIN_RSA_BITS
              + " required: generate an Ed25519 key with 'ssh-keygen -t ed25519', or RSA with"
              + " 'ssh-keygen -t rsa -b 4096'");
    }
    if (bits > MAX_RSA_BITS) {
      throw malformed(
          "The RSA key has " + bits + " bits, more than the " + MAX_RSA_BITS + " accepted");
    }
    return bits;
  }

  private static ECParameterSpec curveParameters(SshKeyType type) {
    String standardName =
        switch (type) {
          case ECDSA_P256 -> "secp256r1";
          case ECDSA_P384 -> "secp384r1";
          case ECDSA_P521 -> "secp521r1";
          default -> throw new IllegalArgumentException(type + " is not an ECDSA type");
        };
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(standardName));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The Java runtime lacks curve " + standardName, e);
    }
  }

  /** Checks y² = x³ + ax + b over the prime field of {@code spec}. */
  private static boolean onCurve(ECParameterSpec spec, BigInteger x, BigInteger y) {
    ECField field = spec.getCurve().getField();
    BigInteger p = ((ECFieldFp) field).getP();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger left = y.modPow(BigInteger.TWO, p);
    BigInteger right =
        x.pow(3).add(spec.getCurve().getA().multiply(x)).add(spec.getCurve().getB()).mod(p);
    return left.equals(right);
  }

  private static String abbreviate(String value) {
    String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
  }

  private static InvalidSshKeyException malformed(String message) {
    return new InvalidSshKeyException(Reason.MALFORMED, message);
  }

  /** Reads the length-prefixed fields of the SSH wire format (RFC 4251, section 5). */
  private static final class WireReader {

    private final ByteBuffer buffer;

    WireReader(byte[] blob) {
      this.buffer = ByteBuffer.wrap(blob);
    }

    byte[] bytes() {
      if (buffer.remaining() < Integer.BYTES) {
        throw truncated();
      }
      int length = buffer.getInt();
      if (length < 0 || length > buffer.remaining()) {
        throw truncated();
      }
      byte[] field = new byte[length];
      buffer.get(field);
      return field;
    }

    String string() {
      return new String(bytes(), StandardCharsets.US_ASCII);
    }

    BigInteger mpint() {
      byte[] field = bytes();
      if (field.length == 0) {
        return BigInteger.ZERO;
      }
      return new BigInteger(field);
    }

    int remaining() {
      return buffer.remaining();
    }

    private static InvalidSshKeyException truncated() {
      return malformed(
          "The key data ends before the key does: paste the whole line of the .pub file");
    }
  }
}
