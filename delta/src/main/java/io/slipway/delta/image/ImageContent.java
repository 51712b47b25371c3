package io.slipway.delta.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where the blobs of an image come from: an OCI image layout on disk, a registry, a device's store.
 * Implementations state their own thread-safety; the delta code opens one blob at a time per call.
 */
public interface ImageContent {

  /**
   * Opens the blob {@code digest} for reading from its first byte. The caller closes the stream and
   * checks the digest; implementations need not.
   *
   * @throws java.nio.file.NoSuchFileException when the blob is absent
   * @throws IOException when reading fails
   */
  InputStream open(Digest digest) throws IOException;
}
