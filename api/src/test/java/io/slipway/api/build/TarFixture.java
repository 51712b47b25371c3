package io.slipway.api.build;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Writes tar archives entry by entry for tests, including entries that a careful archiver would
 * never write: absolute paths, {@code ..}, device files and links out of the tree. Not thread-safe.
 */
public final class TarFixture {

  private long modified;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Adds a file with mode 0644. */
  /** Sets the modification time, in seconds since the epoch, of the entries added after it. */
  TarFixture modifiedAt(long seconds) {
    modified = seconds;
    return this;
  }

  public TarFixture file(String name, String content) {
    return file(name, content, 0644);
  }

  /** Adds a file with {@code mode}. */
  TarFixture file(String name, String content, int mode) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    header(name, '0', mode, data.length, "");
    write(data);
    pad(data.length);
    return this;
  }

  TarFixture directory(String name) {
    header(name.endsWith("/") ? name : name + "/", '5', 0755, 0, "");
    return this;
  }

  TarFixture symlink(String name, String target) {
    header(name, '2', 0777, 0, target);
    return this;
  }

  TarFixture hardLink(String name, String target) {
    header(name, '1', 0644, 0, target);
    return this;
  }

  TarFixture characterDevice(String name) {
    header(name, '3', 0600, 0, "");
    return this;
  }

  TarFixture fifo(String name) {
    header(name, '6', 0600, 0, "");
    return this;
  }

  /** Adds a file whose name comes in a pax extended header, as for names over 100 bytes. */
  TarFixture paxFile(String name, String content) {
    byte[] record = paxRecord("path", name);
    header("PaxHeaders/long", 'x', 0644, record.length, "");
    write(record);
    pad(record.length);
    return file("placeholder-name", content);
  }

  /** Adds a file whose name comes in a GNU long-name entry. */
  TarFixture gnuLongNameFile(String name, String content) {
    byte[] bytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
    header("././@LongLink", 'L', 0644, bytes.length, "");
    write(bytes);
    pad(bytes.length);
    return file("short-name", content);
  }

  /** Returns the archive with its end marker. */
  public byte[] tar() {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.writeBytes(out.toByteArray());
    copy.writeBytes(new byte[1024]);
    return copy.toByteArray();
  }

  /** Returns the archive compressed with gzip. */
  public byte[] tarGz() {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write(tar());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return compressed.toByteArray();
  }

  private void header(String name, char type, int mode, long size, String link) {
    byte[] header = new byte[512];
    put(header, 0, 100, name);
    put(header, 100, 8, octal(mode, 7));
    put(header, 108, 8, octal(0, 7));
    put(header, 116, 8, octal(0, 7));
    put(header, 124, 12, octal(size, 11));
    put(header, 136, 12, octal(modified, 11));
    header[156] = (byte) type;
    put(header, 157, 100, link);
    put(header, 257, 6, "ustar");
    put(header, 263, 2, "00");
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, 8, octal(sum, 6) + "\0 ");
    write(header);
  }

  private static byte[] paxRecord(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    int digits = String.valueOf(length).length();
    int total = length + digits;
    if (String.valueOf(total).length() != digits) {
      total++;
    }
    return (total + body).getBytes(StandardCharsets.UTF_8);
  }

  private static String octal(long value, int width) {
    String digits = Long.toOctalString(value);
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }

  private static void put(byte[] header, int offset, int length, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, offset, Math.min(length, bytes.length));
  }

  private void write(byte[] bytes) {
    out.writeBytes(bytes);
  }

  private void pad(long size) {
    int padding = (int) ((512 - size % 512) % 512);
    out.writeBytes(new byte[padding]);
  }
}
