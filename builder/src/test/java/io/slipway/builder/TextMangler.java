package io.slipway.builder;

import java.util.Random;

/** Damages text at random for tests that parsers reject bad input cleanly. */
public final class TextMangler {

  private TextMangler() {}

  /**
   * Returns {@code text} after one to four random edits: a character of {@code pieces} inserted, a
   * few characters deleted, or a slice of the text copied elsewhere.
   */
  public static String mangle(String text, String pieces, Random random) {
    StringBuilder out = new StringBuilder(text);
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      int at = random.nextInt(out.length() + 1);
      switch (random.nextInt(3)) {
        case 0 -> out.insert(at, pieces.charAt(random.nextInt(pieces.length())));
        case 1 -> out.delete(at, Math.min(out.length(), at + 1 + random.nextInt(6)));
        default -> {
          int from = random.nextInt(out.length());
          int to = Math.min(out.length(), from + random.nextInt(16));
          out.insert(at, out.substring(from, to));
        }
      }
    }
    return out.toString();
  }
}
