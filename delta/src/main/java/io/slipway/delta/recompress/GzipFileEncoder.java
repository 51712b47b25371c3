package io.slipway.delta.recompress;

import io.slipway.delta.encode.ContentEncoder;
import io.slipway.delta.format.InflatedRange;
import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.SourceRange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Encodes a gzip-compressed file inside a layer (a changelog, a man page) against its previous
 * version through the uncompressed content. Two versions of a compressed text differ from their
 * first changed byte to their end, but their content differs in a few lines; this encoder sends
 * those lines and has the applier compress the result again with the {@link DeflateRecipe} that
 * reproduces the file byte for byte. Stateless and thread-safe.
 *
 * <p>Files that GNU gzip compressed (Debian's {@code gzip -9n}) are reproduced by the GNU gzip
 * family of recipes, which {@link DeflateReproducer} tries after zlib's.
 */
public final class GzipFileEncoder {

  /**
   * The largest inflated content, in bytes, that this encoder keeps in memory; larger files are
   * encoded whole.
   */
  public static final int MAX_INFLATED = 16 * 1024 * 1024;

  private static final int TRAILER_LENGTH = 8;

  private GzipFileEncoder() {}

  /**
   * Returns true when {@code bytes} start like a gzip member (magic and the deflate method).
   * Callers use it to pick this encoder before calling {@link #encode}.
   */
  public static boolean looksLikeGzip(byte[] bytes) {
    return GzipHeader.startsWithMagic(bytes);
  }

  /**
   * Writes content operations that produce exactly {@code newFile}, when it is a single gzip member
   * whose deflate stream a {@link DeflateRecipe} reproduces; returns false writing nothing
   * otherwise, and the caller then encodes the file as a whole.
   *
   * @param oldFile where the old file lies in a base layer; its length must be that of {@code
   *     oldBytes}
   * @param oldBytes the old file; when it is not a readable gzip member the new content goes
   *     literally inside the deflate stream
   * @param newBytes the new file
   * @param content encodes the new inflated content against the old one
   * @param out the payload, inside a layer and outside a deflate stream
   * @throws IllegalArgumentException when the range's length differs from {@code oldBytes}'
   */
  public static boolean encode(
      SourceRange oldFile,
      byte[] oldBytes,
      byte[] newBytes,
      ContentEncoder content,
      PayloadWriter out)
      throws IOException {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(out, "out");
    if (oldFile.length() != oldBytes.length) {
      throw new IllegalArgumentException(
          "Old file range of "
              + oldFile.length()
              + " bytes does not match the "
              + oldBytes.length
              + " bytes given");
    }

    Optional<Member> target = Member.parse(newBytes);
    if (target.isEmpty()) {
      return false;
    }
    Member member = target.get();
    Optional<DeflateRecipe> recipe =
        DeflateReproducer.find(member.deflated(), member.inflated(), likelyRecipe(newBytes));
    if (recipe.isEmpty()) {
      return false;
    }

    out.literal(newBytes, 0, member.headerLength());
    out.beginDeflate(recipe.get());
    Optional<Member> base = Member.parse(oldBytes);
    if (base.isPresent()) {
      Member old = base.get();
      SourceRange oldDeflated =
          new SourceRange(
              oldFile.layer(), oldFile.offset() + old.headerLength(), (long) old.deflated().length);
      content.encode(
          new InflatedRange(oldDeflated, old.inflated().length),
          old.inflated(),
          member.inflated(),
          out);
    } else {
      content.encodeLiteral(member.inflated(), out);
    }
    out.endDeflate(member.deflated().length, member.crc32());
    out.literal(newBytes, newBytes.length - TRAILER_LENGTH, TRAILER_LENGTH);
    return true;
  }

  /**
   * Returns the recipe the header suggests, tried first: GNU gzip writes the Unix OS code (3) and
   * marks level 9 with extra flags 2 and level 1 with 4. Trying it first spares the zlib
   * candidates, each of which compresses up to the first block before it fails on such a file.
   * Returns null when the header suggests nothing.
   */
  private static DeflateRecipe likelyRecipe(byte[] gzip) {
    int extraFlags = gzip[8] & 0xff;
    int operatingSystem = gzip[9] & 0xff;
    if (operatingSystem != 3) {
      return null;
    }
    if (extraFlags == 2) {
      return DeflateRecipe.gnuGzip(9);
    }
    return extraFlags == 4 ? DeflateRecipe.gnuGzip(1) : DeflateRecipe.gnuGzip(6);
  }

  /**
   * A parsed single-member gzip file: its header length, its raw deflate stream and what that
   * inflates to, checked against the trailer's CRC-32 and size.
   */
  private record Member(int headerLength, byte[] deflated, byte[] inflated, long crc32) {

    static Optional<Member> parse(byte[] bytes) throws IOException {
      ByteArrayInputStream in = new ByteArrayInputStream(bytes);
      Optional<byte[]> header = GzipHeader.read(in);
      if (header.isEmpty()) {
        return Optional.empty();
      }
      int start = header.get().length;
      int end = bytes.length - TRAILER_LENGTH;
      if (end <= start) {
        return Optional.empty();
      }

      byte[] deflated = Arrays.copyOfRange(bytes, start, end);
      Optional<byte[]> inflated = inflateExactly(deflated);
      if (inflated.isEmpty()) {
        return Optional.empty();
      }
      CRC32 crc = new CRC32();
      crc.update(inflated.get());
      boolean trailerMatches =
          littleEndian(bytes, end) == crc.getValue()
              && littleEndian(bytes, end + 4) == (inflated.get().length & 0xffffffffL);
      return trailerMatches
          ? Optional.of(new Member(start, deflated, inflated.get(), crc.getValue()))
          : Optional.empty();
    }

    /**
     * Inflates {@code deflated}, which must be exactly one complete raw deflate stream; returns
     * empty when it is not, or inflates past {@link #MAX_INFLATED}.
     */
    private static Optional<byte[]> inflateExactly(byte[] deflated) {
      Inflater inflater = new Inflater(true);
      try {
        inflater.setInput(deflated);
        ByteArrayOutputStream result = new ByteArrayOutputStream(deflated.length * 3);
        byte[] buffer = new byte[64 * 1024];
        while (!inflater.finished()) {
          int count = inflater.inflate(buffer);
          if (count == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
            return Optional.empty();
          }
          result.write(buffer, 0, count);
          if (result.size() > MAX_INFLATED) {
            return Optional.empty();
          }
        }
        return inflater.getRemaining() == 0 ? Optional.of(result.toByteArray()) : Optional.empty();
      } catch (DataFormatException notDeflate) {
        return Optional.empty();
      } finally {
        inflater.end();
      }
    }

    private static long littleEndian(byte[] bytes, int offset) {
      return (bytes[offset] & 0xffL)
          | (bytes[offset + 1] & 0xffL) << 8
          | (bytes[offset + 2] & 0xffL) << 16
          | (bytes[offset + 3] & 0xffL) << 24;
    }
  }
}
