package io.slipway.delta.recompress;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/** Deterministic content that compresses like a mix of text and binary files. */
final class SampleContent {

  private static final String[] WORDS = {
    "layer",
    "digest",
    "manifest",
    "blob",
    "fleet",
    "device",
    "release",
    "rollout",
    "index",
    "descriptor",
    "tag",
    "bundle",
    "signature",
    "compressed",
    "archive",
    "entry",
    "offset"
  };

  private SampleContent() {}

  /** Returns {@code size} bytes: lines of words with numbers, every tenth line random bytes. */
  static byte[] of(int size, long seed) {
    Random random = new Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 256);
    int line = 0;
    while (out.size() < size) {
      if (line++ % 10 == 9) {
        byte[] noise = new byte[64 + random.nextInt(64)];
        random.nextBytes(noise);
        out.writeBytes(noise);
        continue;
      }
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        text.append(random.nextInt(1000)).append(' ');
      }
      out.writeBytes(text.append('\n').toString().getBytes(StandardCharsets.US_ASCII));
    }
    byte[] content = out.toByteArray();
    return Arrays.copyOf(content, size);
  }
}
