package io.slipway.api.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The clear text of a Slipway secret: a prefix that names its kind, then 32 random bytes in
 * unpadded base64url. The server keeps only {@link #sha256Hex()}; {@link #toString()} masks the
 * value. Immutable.
 *
 * @param value the secret as the client sends it
 */
public record BearerSecret(String value) {

  /** Prefix of user API tokens. */
  public static final String API_TOKEN = "slw_";

  /** Prefix of session tokens issued at sign-in. */
  public static final String SESSION = "sls_";

  /** Prefix of device API keys. */
  public static final String DEVICE_KEY = "sld_";

  /** Prefix of provisioning keys. */
  public static final String PROVISIONING_KEY = "slp_";

  private static final int RANDOM_BYTES = 32;

  public BearerSecret {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("A secret must not be blank");
    }
  }

  /** Generates a new secret with {@code prefix} from {@code random}. */
  public static BearerSecret generate(String prefix, SecureRandom random) {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return new BearerSecret(prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /** Returns the SHA-256 of the UTF-8 bytes of {@code secret} as 64 lower-case hex digits. */
  public static String sha256Hex(String secret) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime provides SHA-256", e);
    }
  }

  /** Returns the SHA-256 of this secret as 64 lower-case hex digits, the form stored. */
  public String sha256Hex() {
    return sha256Hex(value);
  }

  @Override
  public String toString() {
    return "BearerSecret[****]";
  }
}
