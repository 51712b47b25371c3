package io.slipway.delta.recompress;

import io.slipway.delta.encode.ContentEncoder;
import io.slipway.delta.format.InflatedRange;
import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.Reference;
import io.slipway.delta.format.SourceRange;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the payload operations that rebuild a new zip archive from the parts a {@link ZipPlanner}
 * chose. Not thread-safe.
 */
final class ZipPlanWriter {

  private final SourceRange oldZipRange;
  private final byte[] oldZip;
  private final ZipArchive oldArchive;
  private final byte[] newZip;
  private final ContentEncoder entries;
  private final PayloadWriter out;
  private final OperationCoalescer coalescer;
  private final int depth;

  ZipPlanWriter(
      SourceRange oldZipRange,
      byte[] oldZip,
      ZipArchive oldArchive,
      byte[] newZip,
      ContentEncoder entries,
      PayloadWriter out,
      int depth) {
    this.oldZipRange = oldZipRange;
    this.oldZip = oldZip;
    this.oldArchive = oldArchive;
    this.newZip = newZip;
    this.entries = entries;
    this.out = out;
    this.coalescer = new OperationCoalescer(out, newZip, oldZipRange);
    this.depth = depth;
  }

  void write(List<ZipPart> parts) throws IOException {
    for (ZipPart part : parts) {
      writePart(part);
    }
    coalescer.flush();
  }

  private void writePart(ZipPart part) throws IOException {
    if (part instanceof ZipPart.Bytes bytes) {
      writeBytes(bytes);
    } else if (part instanceof ZipPart.Directory directory) {
      writeDirectory(directory);
    } else if (part instanceof ZipPart.Unchanged unchanged) {
      ZipEntryInfo oldEntry = unchanged.oldEntry();
      coalescer.copy(oldEntry.dataOffset(), oldEntry.compressedSize());
    } else if (part instanceof ZipPart.Stored stored) {
      writeStored(stored);
    } else if (part instanceof ZipPart.Deflated deflated) {
      writeDeflated(deflated);
    } else if (part instanceof ZipPart.Opaque opaque) {
      writeOpaque(opaque);
    }
  }

  private void writeBytes(ZipPart.Bytes bytes) throws IOException {
    if (bytes.oldOffset() >= 0) {
      coalescer.copy(bytes.oldOffset(), bytes.length());
    } else {
      coalescer.literal(bytes.offset(), bytes.length());
    }
  }

  private void writeDirectory(ZipPart.Directory directory) throws IOException {
    byte[] newDirectory = slice(newZip, directory.offset(), directory.length());
    byte[] oldDirectory =
        slice(oldZip, oldArchive.centralDirectoryOffset(), oldArchive.centralDirectoryLength());
    if (Arrays.equals(newDirectory, oldDirectory)) {
      coalescer.copy(oldArchive.centralDirectoryOffset(), oldArchive.centralDirectoryLength());
      return;
    }

    coalescer.flush();
    if (oldDirectory.length == 0) {
      entries.encodeLiteral(newDirectory, out);
      return;
    }
    SourceRange reference =
        oldRange(oldArchive.centralDirectoryOffset(), oldArchive.centralDirectoryLength());
    entries.encode(reference, oldDirectory, newDirectory, out);
  }

  private void writeStored(ZipPart.Stored stored) throws IOException {
    coalescer.flush();
    byte[] content = ZipEntryContent.raw(newZip, stored.entry());
    if (!encodeNestedArchive(content, stored.oldEntry())) {
      encodeContent(content, stored.oldEntry());
    }
  }

  /**
   * Encodes a stored archive inside the archive (a jar in a Spring Boot jar) entry by entry, as
   * added or against its old version, which lies verbatim in the base layer when it is stored too.
   * Returns false, writing nothing, when the content is not such an archive or lies too deep.
   */
  private boolean encodeNestedArchive(byte[] content, ZipEntryInfo oldEntry) throws IOException {
    if (depth >= ZipEncoder.MAX_NESTING || !ZipArchive.startsWithLocalHeader(content)) {
      return false;
    }
    if (oldEntry == null) {
      return ZipEncoder.encodeLiteral(content, entries, out, depth + 1);
    }
    if (oldEntry.method() != ZipEntryInfo.METHOD_STORED) {
      return false;
    }
    SourceRange oldData = oldRange(oldEntry.dataOffset(), oldEntry.compressedSize());
    byte[] oldContent = ZipEntryContent.raw(oldZip, oldEntry);
    return ZipEncoder.encode(oldData, oldContent, content, entries, out, depth + 1);
  }

  private void writeDeflated(ZipPart.Deflated deflated) throws IOException {
    coalescer.flush();
    ZipEntryInfo entry = deflated.entry();
    byte[] inflated =
        ZipEntryContent.inflate(newZip, entry, ZipPlanner.MAX_INFLATED_ENTRY_SIZE)
            .orElseThrow(() -> notInflating(entry));

    out.beginDeflate(deflated.recipe());
    if (inflated.length > 0) {
      encodeContent(inflated, deflated.oldEntry());
    }
    out.endDeflate(entry.compressedSize(), entry.crc32());
  }

  private void writeOpaque(ZipPart.Opaque opaque) throws IOException {
    coalescer.flush();
    byte[] raw = ZipEntryContent.raw(newZip, opaque.entry());
    ZipEntryInfo oldEntry = opaque.oldEntry();
    if (oldEntry == null || oldEntry.compressedSize() == 0) {
      entries.encodeLiteral(raw, out);
      return;
    }
    SourceRange reference = oldRange(oldEntry.dataOffset(), oldEntry.compressedSize());
    entries.encode(reference, ZipEntryContent.raw(oldZip, oldEntry), raw, out);
  }

  /**
   * Encodes {@code content}, the uncompressed bytes of a new entry, against the uncompressed
   * content of {@code oldEntry}, or literally when there is none.
   */
  private void encodeContent(byte[] content, ZipEntryInfo oldEntry) throws IOException {
    if (oldEntry == null || oldEntry.uncompressedSize() == 0) {
      entries.encodeLiteral(content, out);
      return;
    }

    SourceRange data = oldRange(oldEntry.dataOffset(), oldEntry.compressedSize());
    if (oldEntry.method() == ZipEntryInfo.METHOD_STORED) {
      entries.encode(data, ZipEntryContent.raw(oldZip, oldEntry), content, out);
      return;
    }
    byte[] oldContent =
        ZipEntryContent.inflate(oldZip, oldEntry, ZipPlanner.MAX_INFLATED_ENTRY_SIZE)
            .orElseThrow(() -> notInflating(oldEntry));
    Reference reference = new InflatedRange(data, oldEntry.uncompressedSize());
    entries.encode(reference, oldContent, content, out);
  }

  private static IllegalStateException notInflating(ZipEntryInfo entry) {
    return new IllegalStateException(
        "Entry " + entry.name() + " inflated while planning but not while writing");
  }

  private SourceRange oldRange(long offset, long length) {
    return new SourceRange(oldZipRange.layer(), oldZipRange.offset() + offset, length);
  }

  private static byte[] slice(byte[] bytes, long offset, long length) {
    return Arrays.copyOfRange(bytes, (int) offset, (int) (offset + length));
  }
}
