package io.slipway.delta.encode;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.format.SourceRange;
import io.slipway.delta.image.Digest;
import io.slipway.delta.tar.TarEntry;
import io.slipway.delta.tar.TarIndex;
import io.slipway.delta.tar.TarReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * A layer's uncompressed tar in a scratch file, open for positional reads, with its tar index.
 * Reads are thread-safe; {@link #close()} once all readers are done.
 */
final class ExpandedLayer implements Closeable {

  private static final int HASH_BUFFER = 1 << 20;

  private final int manifestIndex;
  private final FileChannel channel;
  private final TarIndex index;
  private volatile int position;

  private ExpandedLayer(int manifestIndex, FileChannel channel, TarIndex index) {
    this.manifestIndex = manifestIndex;
    this.position = manifestIndex;
    this.channel = channel;
    this.index = index;
  }

  /**
   * Opens the uncompressed tar {@code file} and indexes it.
   *
   * @param manifestIndex the layer's index in its image manifest, or -1 for a target layer; it is
   *     also the layer's source position until {@link #assignPosition} changes that
   */
  static ExpandedLayer open(int manifestIndex, Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      return new ExpandedLayer(manifestIndex, channel, TarReader.read(channel));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  int manifestIndex() {
    return manifestIndex;
  }

  /**
   * Sets the layer's position in the payload header's source list, or -1 when the header does not
   * list it. Call before any encoding reads {@link #range}.
   */
  void assignPosition(int position) {
    this.position = position;
  }

  TarIndex index() {
    return index;
  }

  long size() {
    return index.size();
  }

  /**
   * Returns the range of this source layer from {@code offset} for {@code length} bytes.
   *
   * @throws IllegalStateException when the payload header does not list this layer
   */
  SourceRange range(long offset, long length) {
    if (position < 0) {
      throw new IllegalStateException(
          "Base layer " + manifestIndex + " is read but missing from the payload's source layers");
    }
    return new SourceRange(position, offset, length);
  }

  /** Returns the content of {@code entry}. */
  byte[] content(TarEntry entry) throws IOException {
    return read(entry.contentOffset(), entry.size());
  }

  /** Returns the header blocks of {@code entry}. */
  byte[] header(TarEntry entry) throws IOException {
    return read(entry.headerOffset(), entry.headerLength());
  }

  /** Returns the SHA-256 of the content of {@code entry} as hex, reading it in small buffers. */
  String contentDigest(TarEntry entry) throws IOException {
    MessageDigest sha256 = Digest.newSha256();
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(HASH_BUFFER, entry.size()));
    long at = entry.contentOffset();
    long end = at + entry.size();
    while (at < end) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
      int read = channel.read(buffer, at);
      if (read < 0) {
        throw new EOFException("Layer file ended at " + at + " inside " + entry.path());
      }
      sha256.update(buffer.flip());
      at += read;
    }
    return Digest.fromHash(sha256.digest()).hex();
  }

  /** Returns {@code length} bytes from {@code offset}. */
  byte[] read(long offset, long length) throws IOException {
    if (length > Integer.MAX_VALUE - 8) {
      throw new DeltaException(
          DeltaFailure.IO, "Cannot hold " + length + " bytes of a layer in memory at once");
    }
    byte[] bytes = new byte[(int) length];
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long at = offset;
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, at);
      if (read < 0) {
        throw new EOFException("Layer file ended at " + at + " while reading " + length + " bytes");
      }
      at += read;
    }
    return bytes;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
