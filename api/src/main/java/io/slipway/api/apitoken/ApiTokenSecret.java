package io.slipway.api.apitoken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The clear text of an API token: {@code slw_} followed by 32 random bytes in unpadded base64url.
 * The server keeps only {@link #sha256Hex()}; {@link #toString()} masks the value.
 *
 * @param value the token as the client sends it
 */
public record ApiTokenSecret(String value) {

  /** Prefix of every token, so that scanners and people can recognise a leaked one. */
  public static final String PREFIX = "slw_";

  private static final int RANDOM_BYTES = 32;

  /** Generates a new token from {@code random}. */
  public static ApiTokenSecret generate(SecureRandom random) {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return new ApiTokenSecret(
        PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /** Returns the SHA-256 of the UTF-8 bytes of {@code token}. */
  public static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime provides SHA-256", e);
    }
  }

  /** Returns the SHA-256 of this token as 64 lower-case hex digits, the form stored. */
  public String sha256Hex() {
    return HexFormat.of().formatHex(sha256(value));
  }

  @Override
  public String toString() {
    return "ApiTokenSecret[****]";
  }
}
