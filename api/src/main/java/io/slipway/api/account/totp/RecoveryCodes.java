package io.slipway.api.account.totp;

import io.slipway.api.identity.BearerSecret;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One-time recovery codes: {@value #COUNT} per user, each 16 characters of base32 (80 random bits)
 * written in four groups, such as {@code 7kq2-mzx4-ab3d-pp6w}. Only the SHA-256 of the normalized
 * code is stored; 80 bits make a brute-force search of a leaked hash impractical. Stateless.
 */
public final class RecoveryCodes {

  /** Codes issued at a time. */
  public static final int COUNT = 10;

  private static final int RANDOM_BYTES = 10;
  private static final int GROUP = 4;

  private RecoveryCodes() {}

  /** Generates {@value #COUNT} new codes, in the form shown to the user. */
  public static List<String> generate(SecureRandom random) {
    List<String> codes = new ArrayList<>(COUNT);
    for (int i = 0; i < COUNT; i++) {
      byte[] bytes = new byte[RANDOM_BYTES];
      random.nextBytes(bytes);
      String plain = Base32.encode(bytes).toLowerCase(Locale.ROOT);
      StringBuilder grouped = new StringBuilder();
      for (int start = 0; start < plain.length(); start += GROUP) {
        if (start > 0) {
          grouped.append('-');
        }
        grouped.append(plain, start, start + GROUP);
      }
      codes.add(grouped.toString());
    }
    return codes;
  }

  /**
   * Returns the stored form of {@code code}: the SHA-256 hex of the code in lower case without
   * hyphens and spaces, so that a code typed in upper case or without groups still matches.
   */
  public static String hash(String code) {
    String normalized = code.replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT);
    return BearerSecret.sha256Hex(normalized);
  }
}
