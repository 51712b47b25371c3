package io.slipway.delta.recompress;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes a zip archive byte by byte from entries whose data the test gives already compressed, so
 * that tests control every deflate stream. No data descriptors, no zip64.
 */
final class ZipBuilder {

  private record Entry(String name, int method, byte[] data, long crc32, long size) {}

  private final List<Entry> entries = new ArrayList<>();
  private String comment = "";

  /** Adds an entry whose data is {@code data} as stored, with {@code content}'s CRC and size. */
  ZipBuilder entry(String name, int method, byte[] data, byte[] content) {
    CRC32 crc = new CRC32();
    crc.update(content);
    entries.add(new Entry(name, method, data, crc.getValue(), content.length));
    return this;
  }

  ZipBuilder comment(String text) {
    this.comment = text;
    return this;
  }

  byte[] build() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Integer> offsets = new ArrayList<>();
    for (Entry entry : entries) {
      offsets.add(out.size());
      writeLocalHeader(out, entry);
      out.writeBytes(entry.data());
    }

    int directoryOffset = out.size();
    for (int i = 0; i < entries.size(); i++) {
      writeCentralHeader(out, entries.get(i), offsets.get(i));
    }
    int directoryLength = out.size() - directoryOffset;

    byte[] commentBytes = comment.getBytes(StandardCharsets.UTF_8);
    int32(out, 0x06054b50);
    int16(out, 0);
    int16(out, 0);
    int16(out, entries.size());
    int16(out, entries.size());
    int32(out, directoryLength);
    int32(out, directoryOffset);
    int16(out, commentBytes.length);
    out.writeBytes(commentBytes);
    return out.toByteArray();
  }

  private static void writeLocalHeader(ByteArrayOutputStream out, Entry entry) {
    byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
    int32(out, 0x04034b50);
    int16(out, 20);
    int16(out, 0x800);
    int16(out, entry.method());
    int32(out, 0);
    int32(out, entry.crc32());
    int32(out, entry.data().length);
    int32(out, entry.size());
    int16(out, name.length);
    int16(out, 0);
    out.writeBytes(name);
  }

  private static void writeCentralHeader(ByteArrayOutputStream out, Entry entry, int offset) {
    byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
    int32(out, 0x02014b50);
    int16(out, 20);
    int16(out, 20);
    int16(out, 0x800);
    int16(out, entry.method());
    int32(out, 0);
    int32(out, entry.crc32());
    int32(out, entry.data().length);
    int32(out, entry.size());
    int16(out, name.length);
    int16(out, 0);
    int16(out, 0);
    int16(out, 0);
    int16(out, 0);
    int32(out, 0);
    int32(out, offset);
    out.writeBytes(name);
  }

  private static void int16(ByteArrayOutputStream out, int value) {
    out.write(value & 0xff);
    out.write((value >>> 8) & 0xff);
  }

  private static void int32(ByteArrayOutputStream out, long value) {
    int16(out, (int) (value & 0xffff));
    int16(out, (int) ((value >>> 16) & 0xffff));
  }
}
