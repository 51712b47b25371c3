package io.slipway.delta.format;

import io.slipway.delta.image.Descriptor;
import io.slipway.delta.image.Digest;
import io.slipway.delta.recompress.DeflateRecipe;
import java.util.List;
import java.util.Objects;

/**
 * One record of a delta payload as {@link PayloadReader#next()} returns it. Records that carry bulk
 * bytes ({@link Blob}, {@link Literal}, {@link ZstdPatch}, {@link Bsdiff}) hold only their lengths;
 * the bytes stream from {@link PayloadReader#content()}. Immutable.
 */
public sealed interface PayloadRecord {

  /**
   * The payload header.
   *
   * @param sourceManifest the base image's manifest digest
   * @param targetManifest the target image's manifest digest
   * @param sourceLayers the base layers that references name, by position
   */
  record Header(Digest sourceManifest, Digest targetManifest, List<SourceLayer> sourceLayers)
      implements PayloadRecord {
    public Header {
      Objects.requireNonNull(sourceManifest, "sourceManifest");
      Objects.requireNonNull(targetManifest, "targetManifest");
      sourceLayers = List.copyOf(sourceLayers);
    }
  }

  /** A whole target blob; its {@code descriptor.size()} bytes follow. */
  record Blob(Descriptor descriptor) implements PayloadRecord {}

  /** A target layer blob that the base image holds. */
  record Reuse(Descriptor descriptor) implements PayloadRecord {}

  /**
   * The start of a target layer rebuilt from content operations.
   *
   * @param blob the target layer blob as the target manifest lists it
   * @param diffId the digest of the uncompressed tar that the operations produce
   * @param uncompressedSize the uncompressed tar's size in bytes
   * @param encoding how the tar becomes {@code blob}
   */
  record BeginLayer(Descriptor blob, Digest diffId, long uncompressedSize, LayerEncoding encoding)
      implements PayloadRecord {}

  /** The end of the current layer. */
  record EndLayer() implements PayloadRecord {}

  /** {@code length} bytes to output as they are; they follow. */
  record Literal(long length) implements PayloadRecord {}

  /** The bytes of {@code reference} to output as they are. */
  record Copy(Reference reference) implements PayloadRecord {}

  /**
   * A zstd frame of {@code frameLength} bytes, which follow, that decompresses to {@code
   * targetLength} bytes with the bytes of {@code reference} as a raw-content dictionary.
   */
  record ZstdPatch(Reference reference, long targetLength, long frameLength)
      implements PayloadRecord {}

  /**
   * A bsdiff patch against {@code reference} that produces {@code targetLength} bytes in {@code
   * controlCount} steps; read each step with {@link PayloadReader#nextControl()}.
   */
  record Bsdiff(Reference reference, long targetLength, long controlCount)
      implements PayloadRecord {}

  /** The start of a raw deflate stream compressed with {@code recipe}. */
  record BeginDeflate(DeflateRecipe recipe) implements PayloadRecord {}

  /**
   * The end of a raw deflate stream.
   *
   * @param compressedLength the deflate stream's length in bytes
   * @param crc32 the CRC-32 of its uncompressed bytes
   */
  record EndDeflate(long compressedLength, long crc32) implements PayloadRecord {}

  /** The end of the payload. */
  record End() implements PayloadRecord {}
}
