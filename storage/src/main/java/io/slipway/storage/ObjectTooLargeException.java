package io.slipway.storage;

/** Thrown when a write exceeds the size limit it was given; nothing was stored. */
public class ObjectTooLargeException extends StorageException {

  private final long maxBytes;

  public ObjectTooLargeException(StorageKey key, long maxBytes) {
    super(
        "Object for '" + key + "' exceeds the limit of " + maxBytes + " bytes; nothing was stored");
    this.maxBytes = maxBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }
}
