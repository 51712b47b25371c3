package io.slipway.storage;

import java.util.HexFormat;

/**
 * Result of a {@link BlobStore#write}: the number of bytes and their SHA-256 as 64 lower-case hex
 * digits.
 */
public record WriteResult(long size, String sha256Hex) {

  public WriteResult {
    if (size < 0) {
      throw new IllegalArgumentException("Written size is negative: " + size);
    }
    if (sha256Hex == null || sha256Hex.length() != 64) {
      throw new IllegalArgumentException("Not a SHA-256 hex string: " + sha256Hex);
    }
    HexFormat.of().parseHex(sha256Hex);
  }
}
