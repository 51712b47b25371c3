package io.slipway.signing.key;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Names a public key: standard base64 (with padding) of the SHA-256 of its DER
 * SubjectPublicKeyInfo. Sigstore bundles carry it as {@code verificationMaterial.publicKey.hint}
 * and DSSE signatures as {@code keyid}. Immutable.
 *
 * @param value the 44-character base64 text
 */
public record KeyHint(String value) {

  private static final Pattern FORM = Pattern.compile("[A-Za-z0-9+/]{43}=");

  /**
   * @throws IllegalArgumentException naming the value when it is not 44 base64 characters of a
   *     SHA-256
   */
  public KeyHint {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "Key hint '"
              + value
              + "' is not the base64 SHA-256 of a public key (44 characters ending in '=')");
    }
  }

  /** Computes the hint of {@code key}. */
  public static KeyHint of(PublicKey key) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return new KeyHint(Base64.getEncoder().encodeToString(hash));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /**
   * Returns the hint in the URL- and file-name-safe base64 alphabet without padding, as URLs and
   * file names carry it.
   */
  public String urlSafe() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(Base64.getDecoder().decode(value));
  }

  /**
   * Reads a hint written by {@link #urlSafe()}.
   *
   * @throws IllegalArgumentException naming the text when it is not 43 URL-safe base64 characters
   */
  public static KeyHint fromUrlSafe(String text) {
    if (text == null || !text.matches("[A-Za-z0-9_-]{43}")) {
      throw new IllegalArgumentException(
          "Key id '"
              + text
              + "' is not a URL-safe key hint (43 characters of A-Z, a-z, 0-9, - and _)");
    }
    byte[] hash = Base64.getUrlDecoder().decode(text);
    return new KeyHint(Base64.getEncoder().encodeToString(hash));
  }

  @Override
  public String toString() {
    return value;
  }
}
