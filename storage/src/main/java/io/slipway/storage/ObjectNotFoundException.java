package io.slipway.storage;

/** Thrown when a read, move or stat names a key with no object. */
public class ObjectNotFoundException extends StorageException {

  private final StorageKey key;

  public ObjectNotFoundException(StorageKey key) {
    super("No stored object at '" + key + "'");
    this.key = key;
  }

  public StorageKey key() {
    return key;
  }
}
