package io.slipway.storage;

import java.time.Instant;

/** Size in bytes and last modification time of a stored object. */
public record ObjectInfo(long size, Instant modified) {

  public ObjectInfo {
    if (size < 0) {
      throw new IllegalArgumentException("Object size is negative: " + size);
    }
  }
}
