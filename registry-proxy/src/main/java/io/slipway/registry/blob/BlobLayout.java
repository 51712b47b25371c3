package io.slipway.registry.blob;

import io.slipway.registry.reference.Digest;
import io.slipway.storage.StorageKey;

/**
 * Layout of the registry's objects in the blob store. Blobs and manifests share one
 * content-addressed area, {@code blobs/ALGORITHM/XX/HEX}, where {@code XX} is the first two hex
 * digits; upload chunks live under {@code uploads/ID/}.
 */
public final class BlobLayout {

  /** The prefix of all content-addressed objects. */
  public static final StorageKey BLOBS = new StorageKey("blobs");

  /** The prefix of all upload chunks. */
  public static final StorageKey UPLOADS = new StorageKey("uploads");

  private BlobLayout() {}

  /** Returns the key of the content of {@code digest}. */
  public static StorageKey blob(Digest digest) {
    return StorageKey.of("blobs", digest.algorithm(), digest.hex().substring(0, 2), digest.hex());
  }

  /** Returns the digest stored at {@code key}, which must lie under {@link #BLOBS}. */
  public static Digest digestOf(StorageKey key) {
    String[] segments = key.value().split("/");
    return new Digest(segments[1], segments[segments.length - 1]);
  }

  /** Returns the prefix of the chunks of upload {@code id}. */
  public static StorageKey upload(String id) {
    return UPLOADS.resolve(id);
  }

  /** Returns the key of the chunk of upload {@code id} that starts at {@code offset}. */
  public static StorageKey uploadPart(String id, long offset) {
    return upload(id).resolve(String.format("%020d", offset));
  }

  /** Returns the key where a multi-chunk upload is joined before its digest is checked. */
  public static StorageKey uploadJoined(String id) {
    return upload(id).resolve("joined");
  }
}
