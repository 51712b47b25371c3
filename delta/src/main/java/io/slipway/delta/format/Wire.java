package io.slipway.delta.format;

import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Descriptor;
import io.slipway.delta.image.Digest;
import io.slipway.delta.recompress.GzipRecipe;
import io.slipway.delta.recompress.ZstdRecipe;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The payload's byte-level vocabulary, shared by {@link PayloadWriter} and {@link PayloadReader}:
 * the magic, record tags, limits and the encodings of integers and strings.
 */
final class Wire {

  /** The first 8 bytes of every payload: a non-ASCII byte, "SLWDLT", and a line feed. */
  static final byte[] MAGIC = {(byte) 0x89, 'S', 'L', 'W', 'D', 'L', 'T', '\n'};

  /** The outer zstd frame's maximum window: 8 MiB, what a device's decoder must allocate. */
  static final int OUTER_WINDOW_LOG = 23;

  /** The maximum length of a descriptor's media type, in UTF-8 bytes. */
  static final int MAX_MEDIA_TYPE = 255;

  /** The maximum number of base layers a header may list. */
  static final int MAX_SOURCE_LAYERS = 4096;

  static final int HEADER = 0x01;
  static final int BLOB = 0x02;
  static final int REUSE = 0x03;
  static final int BEGIN_LAYER = 0x04;
  static final int END_LAYER = 0x05;
  static final int LITERAL = 0x10;
  static final int COPY = 0x11;
  static final int ZSTD_PATCH = 0x12;
  static final int BSDIFF = 0x13;
  static final int BEGIN_DEFLATE = 0x14;
  static final int END_DEFLATE = 0x15;
  static final int END = 0x7f;

  static final int SOURCE_RANGE = 0x01;
  static final int INFLATED_RANGE = 0x02;

  static final int ENCODING_PLAIN = 0x00;
  static final int ENCODING_GZIP = 0x01;
  static final int ENCODING_ZSTD = 0x02;
  static final int ENCODING_DIFF_ID_ONLY = 0x03;

  private Wire() {}

  /** Writes {@code value}, at least 0, as an unsigned LEB128 varint of at most 9 bytes. */
  static void writeVarint(DataOutput out, long value) throws IOException {
    if (value < 0) {
      throw new IllegalArgumentException("Varint " + value + " is negative");
    }
    long rest = value;
    while ((rest & ~0x7fL) != 0) {
      out.writeByte((int) ((rest & 0x7f) | 0x80));
      rest >>>= 7;
    }
    out.writeByte((int) rest);
  }

  /**
   * Reads an unsigned LEB128 varint that {@link #writeVarint} wrote.
   *
   * @throws MalformedRecordException when it is longer than 9 bytes or exceeds a signed long
   */
  static long readVarint(DataInput in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new MalformedRecordException("a varint is longer than 9 bytes");
  }

  /** Writes {@code value} as a zigzag-encoded varint, so small negative numbers stay short. */
  static void writeSignedVarint(DataOutput out, long value) throws IOException {
    long zigzag = (value << 1) ^ (value >> 63);
    long rest = zigzag;
    while ((rest & ~0x7fL) != 0) {
      out.writeByte((int) ((rest & 0x7f) | 0x80));
      rest >>>= 7;
    }
    out.writeByte((int) rest);
  }

  /** Reads a varint that {@link #writeSignedVarint} wrote. */
  static long readSignedVarint(DataInput in) throws IOException {
    long zigzag = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int b = in.readUnsignedByte();
      zigzag |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (zigzag >>> 1) ^ -(zigzag & 1);
      }
    }
    throw new MalformedRecordException("a signed varint is longer than 10 bytes");
  }

  /** Writes {@code value} as a varint length and its UTF-8 bytes. */
  static void writeString(DataOutput out, String value, int maxBytes) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > maxBytes) {
      throw new IllegalArgumentException(
          "'" + value + "' is " + bytes.length + " bytes in UTF-8, more than " + maxBytes);
    }
    writeVarint(out, bytes.length);
    out.write(bytes);
  }

  /** Reads a string that {@link #writeString} wrote. */
  static String readString(DataInput in, int maxBytes) throws IOException {
    long length = readVarint(in);
    if (length > maxBytes) {
      throw new MalformedRecordException(
          "a string of " + length + " bytes exceeds the limit of " + maxBytes);
    }
    byte[] bytes = new byte[(int) length];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Writes the 32 hash bytes of {@code digest}. */
  static void writeDigest(DataOutput out, Digest digest) throws IOException {
    out.write(HexFormat.of().parseHex(digest.hex()));
  }

  /** Reads 32 hash bytes as a digest. */
  static Digest readDigest(DataInput in) throws IOException {
    byte[] hash = new byte[32];
    in.readFully(hash);
    return Digest.fromHash(hash);
  }

  /** Writes a descriptor: media type, digest, size. */
  static void writeDescriptor(DataOutput out, Descriptor descriptor) throws IOException {
    writeString(out, descriptor.mediaType(), MAX_MEDIA_TYPE);
    writeDigest(out, descriptor.digest());
    writeVarint(out, descriptor.size());
  }

  /** Reads a descriptor that {@link #writeDescriptor} wrote. */
  static Descriptor readDescriptor(DataInput in) throws IOException {
    String mediaType = readString(in, MAX_MEDIA_TYPE);
    Digest digest = readDigest(in);
    long size = readVarint(in);
    try {
      return new Descriptor(mediaType, digest, size);
    } catch (IllegalArgumentException e) {
      throw new MalformedRecordException(e.getMessage());
    }
  }

  /** Writes a reference: its kind, then the range, then the inflated length for inflated ones. */
  static void writeReference(DataOutput out, Reference reference) throws IOException {
    if (reference instanceof InflatedRange inflated) {
      out.writeByte(INFLATED_RANGE);
      writeRange(out, inflated.deflated());
      writeVarint(out, inflated.length());
      return;
    }
    out.writeByte(SOURCE_RANGE);
    writeRange(out, (SourceRange) reference);
  }

  private static void writeRange(DataOutput out, SourceRange range) throws IOException {
    writeVarint(out, range.layer());
    writeVarint(out, range.offset());
    writeVarint(out, range.length());
  }

  /** Reads a reference that {@link #writeReference} wrote. */
  static Reference readReference(DataInput in) throws IOException {
    int kind = in.readUnsignedByte();
    if (kind == SOURCE_RANGE) {
      return readRange(in);
    }
    if (kind == INFLATED_RANGE) {
      SourceRange deflated = readRange(in);
      return new InflatedRange(deflated, readVarint(in));
    }
    throw new MalformedRecordException(String.format("reference kind 0x%02x is unknown", kind));
  }

  private static SourceRange readRange(DataInput in) throws IOException {
    long layer = readVarint(in);
    long offset = readVarint(in);
    long length = readVarint(in);
    if (layer >= MAX_SOURCE_LAYERS) {
      throw new MalformedRecordException("source layer " + layer + " is out of range");
    }
    return new SourceRange((int) layer, offset, length);
  }

  /** Writes a layer encoding: a kind byte, then the recipe or the original compression. */
  static void writeEncoding(DataOutput out, LayerEncoding encoding) throws IOException {
    if (encoding instanceof LayerEncoding.Plain) {
      out.writeByte(ENCODING_PLAIN);
    } else if (encoding instanceof LayerEncoding.Gzip gzip) {
      out.writeByte(ENCODING_GZIP);
      gzip.recipe().writeTo(out);
    } else if (encoding instanceof LayerEncoding.Zstd zstd) {
      out.writeByte(ENCODING_ZSTD);
      zstd.recipe().writeTo(out);
    } else {
      out.writeByte(ENCODING_DIFF_ID_ONLY);
      out.writeByte(((LayerEncoding.DiffIdOnly) encoding).compression().ordinal());
    }
  }

  /** Reads a layer encoding that {@link #writeEncoding} wrote. */
  static LayerEncoding readEncoding(DataInput in) throws IOException {
    int kind = in.readUnsignedByte();
    try {
      switch (kind) {
        case ENCODING_PLAIN:
          return new LayerEncoding.Plain();
        case ENCODING_GZIP:
          return new LayerEncoding.Gzip(GzipRecipe.readFrom(in));
        case ENCODING_ZSTD:
          return new LayerEncoding.Zstd(readZstdRecipe(in));
        case ENCODING_DIFF_ID_ONLY:
          return new LayerEncoding.DiffIdOnly(readCompression(in));
        default:
          throw new MalformedRecordException(
              String.format("layer encoding 0x%02x is unknown", kind));
      }
    } catch (IllegalArgumentException e) {
      throw new MalformedRecordException("the layer encoding is invalid: " + e.getMessage());
    }
  }

  private static ZstdRecipe readZstdRecipe(DataInput in) throws IOException {
    ZstdRecipe recipe = ZstdRecipe.readFrom(in);
    if (recipe.level() > DeltaFormat.MAX_ZSTD_RECIPE_LEVEL) {
      throw new MalformedRecordException(
          "the zstd recipe's level "
              + recipe.level()
              + " exceeds "
              + DeltaFormat.MAX_ZSTD_RECIPE_LEVEL
              + ", the highest level a device recompresses with");
    }
    return recipe;
  }

  private static Compression readCompression(DataInput in) throws IOException {
    int ordinal = in.readUnsignedByte();
    Compression[] values = Compression.values();
    if (ordinal >= values.length) {
      throw new MalformedRecordException("compression " + ordinal + " is unknown");
    }
    return values[ordinal];
  }

  /** Thrown inside the reader when bytes parse but break the format's rules. */
  static final class MalformedRecordException extends IOException {

    private static final long serialVersionUID = 1L;

    MalformedRecordException(String message) {
      super(message);
    }
  }
}
