package io.slipway.signing.key;

import io.slipway.signing.SigningException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes keys as PEM: public keys as {@code PUBLIC KEY} (SubjectPublicKeyInfo), private
 * keys as {@code PRIVATE KEY} (unencrypted PKCS#8, as {@code openssl genpkey} writes them).
 * Stateless.
 */
public final class PemKeys {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private static final String GENERATE_SUPPORTED_KEY =
      "generate a supported key with 'openssl genpkey -algorithm EC -pkeyopt"
          + " ec_paramgen_curve:P-256' or 'openssl genpkey -algorithm ed25519'";

  private PemKeys() {}

  /** Returns {@code key} as a {@code PUBLIC KEY} PEM block ending in a newline. */
  public static String publicKeyPem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  /**
   * Returns {@code key} as an unencrypted {@code PRIVATE KEY} PEM block. The caller must protect
   * the result as it would the key.
   */
  public static String privateKeyPem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  /**
   * Parses a {@code PUBLIC KEY} PEM block holding an ECDSA P-256 or Ed25519 key.
   *
   * @throws SigningException saying what is wrong: no PEM block, another block type, or an
   *     unsupported algorithm
   */
  public static PublicKey parsePublicKey(String pem) {
    byte[] der = der(pem, "PUBLIC KEY", "");
    for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
      try {
        PublicKey key =
            KeyFactory.getInstance(algorithm.jcaKeyAlgorithm())
                .generatePublic(new X509EncodedKeySpec(der));
        KeyAlgorithm.of(key);
        return key;
      } catch (GeneralSecurityException | SigningException e) {
        // Try the next algorithm; the error below names the accepted ones.
      }
    }
    throw new SigningException(
        "The PUBLIC KEY block holds neither an ECDSA P-256 nor an Ed25519 key");
  }

  /**
   * Parses an unencrypted {@code PRIVATE KEY} (PKCS#8) PEM block holding an ECDSA P-256 or Ed25519
   * key. The message of a failure never contains key material.
   *
   * @throws SigningException saying what is wrong
   */
  public static PrivateKey parsePrivateKey(String pem) {
    byte[] der = der(pem, "PRIVATE KEY", privateKeyAdvice(blockType(pem)));
    for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
      try {
        return KeyFactory.getInstance(algorithm.jcaKeyAlgorithm())
            .generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Try the next algorithm.
      }
    }
    String found = isRsa(der) ? "an RSA key" : "neither an ECDSA P-256 nor an Ed25519 key";
    throw new SigningException(
        "The PRIVATE KEY block contains " + found + "; " + GENERATE_SUPPORTED_KEY);
  }

  /**
   * Returns what to do with a private key PEM block of {@code type}, which is not an unencrypted
   * PKCS#8 {@code PRIVATE KEY} block, or an empty string when there is no specific advice.
   */
  private static String privateKeyAdvice(String type) {
    return switch (type) {
      case "EC PRIVATE KEY" ->
          "; convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt -in KEY.pem -out"
              + " KEY-pkcs8.pem'";
      case "ENCRYPTED PRIVATE KEY" ->
          "; decrypt it with 'openssl pkcs8 -in KEY.pem -out KEY-plain.pem' and import that file";
      case "RSA PRIVATE KEY" -> "; RSA keys are not supported, so " + GENERATE_SUPPORTED_KEY;
      case "PUBLIC KEY" ->
          "; a public key cannot sign, so send the private key whose public half this is";
      default -> "";
    };
  }

  private static String blockType(String pem) {
    Matcher matcher = BLOCK.matcher(pem == null ? "" : pem);
    return matcher.find() ? matcher.group(1) : "";
  }

  private static boolean isRsa(byte[] pkcs8) {
    try {
      KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static byte[] der(String pem, String type, String adviceForOtherType) {
    Matcher matcher = BLOCK.matcher(pem == null ? "" : pem);
    if (!matcher.find()) {
      throw new SigningException("No PEM block found; expected -----BEGIN " + type + "-----");
    }
    if (!matcher.group(1).equals(type)) {
      throw new SigningException(
          "Found a PEM block of type '"
              + matcher.group(1)
              + "'; expected '"
              + type
              + "'"
              + adviceForOtherType);
    }
    try {
      return Base64.getMimeDecoder().decode(matcher.group(2));
    } catch (IllegalArgumentException e) {
      throw new SigningException("The " + type + " PEM block is not valid base64", e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
