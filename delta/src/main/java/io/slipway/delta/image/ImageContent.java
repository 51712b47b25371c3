package io.slipway.delta.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

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

  /**
   * Returns the local file that contains blob {@code digest}, when the content is stored in files,
   * so that the applier reads an uncompressed base layer in place instead of copying it. Callers
   * only read the file. The default returns empty, which makes callers fall back to {@link #open}.
   */
  default Optional<Path> localFile(Digest digest) {
    return Optional.empty();
  }
}
