package io.slipway.api.account.totp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords of RFC 6238 as standard authenticator apps compute them: HMAC-SHA1,
 * six digits, 30-second steps counted from the Unix epoch. Stateless and thread-safe; replay
 * protection is the caller's, through the {@code lastUsedStep} of {@link #verify}.
 */
public final class Totp {

  /** Digits of every code Slipway issues and accepts. */
  public static final int DIGITS = 6;

  /** Length of a time step, in seconds. */
  public static final int STEP_SECONDS = 30;

  /**
   * Steps before and after the current one whose codes are accepted too, for clocks that drift and
   * for codes typed just as they change.
   */
  public static final int WINDOW_STEPS = 1;

  private static final String HMAC_SHA1 = "HmacSHA1";
  private static final int[] POWERS_OF_TEN = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000
  };

  private Totp() {}

  /** Returns the time step that contains {@code epochMillis}. */
  public static long step(long epochMillis) {
    return Math.floorDiv(epochMillis, STEP_SECONDS * 1000L);
  }

  /** Returns the six-digit code of {@code secret} for time step {@code step}. */
  public static String code(byte[] secret, long step) {
    return code(secret, step, HMAC_SHA1, DIGITS);
  }

  /**
   * Returns the code of {@code secret} for {@code step} with any HMAC and digit count, as RFC 6238
   * defines it (dynamic truncation of RFC 4226, section 5.3).
   *
   * @param hmacAlgorithm a JCA MAC name such as {@code HmacSHA1}
   * @param digits from 1 to 8
   */
  static String code(byte[] secret, long step, String hmacAlgorithm, int digits) {
    if (digits < 1 || digits > 8) {
      throw new IllegalArgumentException("A TOTP code has 1 to 8 digits, not " + digits);
    }
    byte[] hash = hmac(secret, step, hmacAlgorithm);

    int offset = hash[hash.length - 1] & 0x0f;
    int binary =
        ((hash[offset] & 0x7f) << 24)
            | ((hash[offset + 1] & 0xff) << 16)
            | ((hash[offset + 2] & 0xff) << 8)
            | (hash[offset + 3] & 0xff);

    String digitsText = Integer.toString(binary % POWERS_OF_TEN[digits]);
    return "0".repeat(digits - digitsText.length()) + digitsText;
  }

  /**
   * Checks {@code code} against the steps around {@code epochMillis}, skipping every step at or
   * before {@code lastUsedStep} so that a code is accepted once only.
   *
   * @param code what the user typed; spaces are ignored
   * @param lastUsedStep the step of the last code accepted for this secret, or {@link
   *     Long#MIN_VALUE} when none was
   * @return the step that matched, to be stored as the new {@code lastUsedStep}; empty when the
   *     code is malformed, wrong, too old or already used
   */
  public static OptionalLong verify(
      byte[] secret, String code, long epochMillis, long lastUsedStep) {
    if (code == null) {
      return OptionalLong.empty();
    }
    String typed = code.replace(" ", "");
    if (typed.length() != DIGITS || !typed.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return OptionalLong.empty();
    }

    byte[] typedBytes = typed.getBytes(StandardCharsets.US_ASCII);
    long now = step(epochMillis);
    for (long step = now - WINDOW_STEPS; step <= now + WINDOW_STEPS; step++) {
      if (step <= lastUsedStep) {
        continue;
      }
      byte[] expected = code(secret, step).getBytes(StandardCharsets.US_ASCII);
      // Constant-time comparison: the response time must not reveal matching digits.
      if (MessageDigest.isEqual(expected, typedBytes)) {
        return OptionalLong.of(step);
      }
    }
    return OptionalLong.empty();
  }

  private static byte[] hmac(byte[] secret, long step, String algorithm) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret, algorithm));
      return mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The Java runtime cannot compute " + algorithm, e);
    }
  }
}
