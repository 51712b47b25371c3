package io.slipway.api.account.totp;

import java.util.Locale;

/**
 * Base32 of RFC 4648 (alphabet {@code A-Z2-7}), without padding: the form in which authenticator
 * apps accept TOTP secrets. Stateless and thread-safe.
 */
public final class Base32 {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private Base32() {}

  /** Encodes {@code bytes} as upper-case base32 without {@code =} padding. */
  public static String encode(byte[] bytes) {
    StringBuilder text = new StringBuilder((bytes.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        text.append(ALPHABET.charAt((buffer >> bits) & 0x1f));
      }
    }
    if (bits > 0) {
      text.append(ALPHABET.charAt((buffer << (5 - bits)) & 0x1f));
    }
    return text.toString();
  }

  /**
   * Decodes base32 text. Case, spaces and trailing {@code =} padding are ignored, as apps and
   * people write secrets in groups.
   *
   * @throws IllegalArgumentException when the text holds a character outside the alphabet
   */
  public static byte[] decode(String text) {
    String clean = text.replace(" ", "").replaceAll("=+$", "").toUpperCase(Locale.ROOT);
    byte[] bytes = new byte[clean.length() * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int index = 0;
    for (int i = 0; i < clean.length(); i++) {
      int value = ALPHABET.indexOf(clean.charAt(i));
      if (value < 0) {
        throw new IllegalArgumentException(
            "Character '" + clean.charAt(i) + "' at position " + i + " is not base32 (A-Z, 2-7)");
      }
      buffer = (buffer << 5) | value;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        bytes[index++] = (byte) (buffer >> bits);
      }
    }
    return bytes;
  }
}
