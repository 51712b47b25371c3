package io.slipway.delta.apply;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.format.SourceLayer;
import io.slipway.delta.format.SourceRange;
import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.Layer;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The base layers that a payload's references read, each checked against its diff_id when first
 * read and then read by position. An uncompressed layer stored in a local file is read in place.
 * Any other layer is expanded once to an uncompressed tar in the scratch directory, and closing
 * deletes those files.
 */
final class BaseLayers implements Closeable {

  private static final int BUFFER = 1 << 16;

  private final List<Path> files = new ArrayList<>();
  private final List<SourceLayer> sources;
  private final List<Layer> layers;
  private final ImageContent content;
  private final Path scratch;
  private final FileChannel[] channels;
  private final byte[] copyBuffer = new byte[BUFFER];

  private BaseLayers(
      List<SourceLayer> sources, List<Layer> layers, ImageContent content, Path scratch) {
    this.sources = sources;
    this.layers = layers;
    this.content = content;
    this.scratch = scratch;
    this.channels = new FileChannel[sources.size()];
  }

  /**
   * Checks that {@code base} lists every layer of {@code sources}. Each layer is read, checked and
   * if need be expanded into {@code scratch} when an operation first reads it, because a header may
   * list layers that no operation reads.
   *
   * @throws DeltaException {@code WRONG_SOURCE} when the base does not list a layer
   */
  static BaseLayers open(
      List<SourceLayer> sources, Image base, ImageContent content, Path scratch) {
    List<Layer> layers = new ArrayList<>();
    for (SourceLayer source : sources) {
      layers.add(findLayer(base, source));
    }
    return new BaseLayers(sources, layers, content, scratch);
  }

  /**
   * Returns the channel of layer {@code position}, loading it on first use.
   *
   * @throws DeltaException {@code WRONG_SOURCE} when the layer is absent or its content does not
   *     match its diff_id or size
   */
  private FileChannel channel(int position) throws IOException {
    if (channels[position] == null) {
      channels[position] = load(sources.get(position), layers.get(position));
    }
    return channels[position];
  }

  private FileChannel load(SourceLayer source, Layer layer) throws IOException {
    Optional<Path> local = content.localFile(layer.blob().digest());
    if (layer.compression() == Compression.NONE && local.isPresent()) {
      return openInPlace(local.get(), layer, source);
    }
    // An earlier delta may have kept this layer as its uncompressed tar, stored by diff_id.
    Optional<Path> kept = content.localFile(layer.diffId());
    if (local.isEmpty() && kept.isPresent()) {
      return openInPlace(kept.get(), layer, source);
    }
    Path file = Files.createTempFile(scratch, "base-", ".tar");
    files.add(file);
    expandOne(content, layer, source, file);
    return FileChannel.open(file, StandardOpenOption.READ);
  }

  private static Layer findLayer(Image base, SourceLayer source) {
    for (Layer layer : base.layers()) {
      if (layer.blob().digest().equals(source.blob()) && layer.diffId().equals(source.diffId())) {
        return layer;
      }
    }
    throw new DeltaException(
        DeltaFailure.WRONG_SOURCE,
        "The base image "
            + base.manifestDigest()
            + " has no layer "
            + source.blob()
            + " with diff_id "
            + source.diffId()
            + " that the delta reads; fetch the target image in full");
  }

  /**
   * Opens an uncompressed layer where it lies and checks it through the same channel that later
   * reads use, so the checked content is what the operations read.
   */
  private static FileChannel openInPlace(Path file, Layer layer, SourceLayer source)
      throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      DigestingOutputStream sink = new DigestingOutputStream(OutputStream.nullOutputStream());
      Channels.newInputStream(channel).transferTo(sink);
      checkExpanded(layer, source, sink.count(), sink.digest());
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static void expandOne(ImageContent content, Layer layer, SourceLayer source, Path file)
      throws IOException {
    Digest blob = layer.blob().digest();
    long size;
    Digest diffId;
    try (InputStream tar = openUncompressed(content, layer);
        DigestingOutputStream out = new DigestingOutputStream(Files.newOutputStream(file))) {
      tar.transferTo(out);
      out.flush();
      size = out.count();
      diffId = out.digest();
    } catch (NoSuchFileException e) {
      throw new DeltaException(
          DeltaFailure.WRONG_SOURCE,
          "The base image lacks the layer blob " + blob + " that the delta reads",
          e);
    }
    checkExpanded(layer, source, size, diffId);
  }

  private static void checkExpanded(Layer layer, SourceLayer source, long size, Digest diffId) {
    Digest blob = layer.blob().digest();
    if (!diffId.equals(source.diffId()) || size != source.uncompressedSize()) {
      throw new DeltaException(
          DeltaFailure.WRONG_SOURCE,
          "The base layer "
              + blob
              + " expands to "
              + size
              + " bytes with diff_id "
              + diffId
              + ", but the delta expects "
              + source.uncompressedSize()
              + " bytes with diff_id "
              + source.diffId()
              + "; the base is damaged or another image");
    }
  }

  /**
   * Opens the layer's uncompressed tar: its blob, decompressed, or else the uncompressed tar stored
   * by diff_id when an earlier delta kept the layer that way.
   *
   * @throws NoSuchFileException when the content has neither
   */
  static InputStream openUncompressed(ImageContent content, Layer layer) throws IOException {
    InputStream blob;
    try {
      blob = content.open(layer.blob().digest());
    } catch (NoSuchFileException e) {
      return content.open(layer.diffId());
    }
    return decompress(blob, layer.compression());
  }

  /** Returns an uncompressed view of a layer blob; closing it closes {@code blob}. */
  static InputStream decompress(InputStream blob, Compression compression) throws IOException {
    InputStream buffered = new BufferedInputStream(blob, BUFFER);
    switch (compression) {
      case GZIP:
        return new GZIPInputStream(buffered, BUFFER);
      case ZSTD:
        return new ZstdInputStreamNoFinalizer(buffered);
      default:
        return buffered;
    }
  }

  /** Reads exactly {@code length} bytes at {@code offset} of expanded layer {@code position}. */
  void read(int position, long offset, byte[] buffer, int length) throws IOException {
    FileChannel channel = channel(position);
    ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
    while (target.hasRemaining()) {
      int read = channel.read(target, offset + target.position());
      if (read < 0) {
        throw new IOException(
            "Expanded base layer " + position + " ended before offset " + (offset + length));
      }
    }
  }

  /** Writes the bytes of {@code range} to {@code out}. */
  void copy(SourceRange range, OutputStream out) throws IOException {
    long done = 0;
    while (done < range.length()) {
      int chunk = (int) Math.min(copyBuffer.length, range.length() - done);
      read(range.layer(), range.offset() + done, copyBuffer, chunk);
      out.write(copyBuffer, 0, chunk);
      done += chunk;
    }
  }

  /** Returns a stream over the bytes of {@code range}. */
  InputStream open(SourceRange range) {
    return new RangeInputStream(range);
  }

  @Override
  public void close() {
    for (FileChannel channel : channels) {
      if (channel == null) {
        continue;
      }
      try {
        channel.close();
      } catch (IOException e) {
        // A read-only channel has nothing to flush; the file is deleted next.
      }
    }
    for (Path file : files) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // Best effort: the caller owns the scratch directory and may empty it.
      }
    }
    Arrays.fill(channels, null);
    files.clear();
  }

  /** The bytes of one range of an expanded layer, read by position. */
  private final class RangeInputStream extends InputStream {

    private final SourceRange range;
    private long done;

    RangeInputStream(SourceRange range) {
      this.range = range;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      long left = range.length() - done;
      if (left == 0) {
        return -1;
      }
      int chunk = (int) Math.min(len, left);
      ByteBuffer target = ByteBuffer.wrap(b, off, chunk);
      int read = channel(range.layer()).read(target, range.offset() + done);
      if (read < 0) {
        throw new IOException("Expanded base layer " + range.layer() + " ended early");
      }
      done += read;
      return read;
    }
  }
}
