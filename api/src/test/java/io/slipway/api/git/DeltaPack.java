package io.slipway.api.git;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.Deflater;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;

/**
 * Writes a small git pack (version 2) of a base blob and a {@code REF_DELTA} that copies the whole
 * base a number of times. A few hundred bytes thus describe a blob many times their size, which is
 * how a pushed pack can ask the server for far more memory than it sends.
 */
final class DeltaPack {

  private static final int OBJ_REF_DELTA = 7;

  /** The largest copy of a delta without a size: {@code 0x10000} bytes. */
  private static final int WHOLE_COPY = 0x10000;

  private DeltaPack() {}

  /**
   * Returns a pack of {@code base} (exactly {@code 0x10000} bytes) and a delta on it whose result
   * is {@code base} repeated {@code copies} times.
   */
  static byte[] of(byte[] base, int copies) {
    if (base.length != WHOLE_COPY) {
      throw new IllegalArgumentException("base has " + base.length + " bytes, not " + WHOLE_COPY);
    }
    ByteArrayOutputStream delta = new ByteArrayOutputStream();
    writeVarint(delta, base.length);
    writeVarint(delta, (long) base.length * copies);
    for (int i = 0; i < copies; i++) {
      // A copy command with neither offset nor size bytes: offset 0, size 0x10000.
      delta.write(0x80);
    }
    byte[] instructions = delta.toByteArray();

    ByteArrayOutputStream pack = new ByteArrayOutputStream();
    pack.writeBytes("PACK".getBytes(StandardCharsets.US_ASCII));
    pack.writeBytes(ByteBuffer.allocate(8).putInt(2).putInt(2).array());
    writeHeader(pack, Constants.OBJ_BLOB, base.length);
    pack.writeBytes(deflate(base));
    writeHeader(pack, OBJ_REF_DELTA, instructions.length);
    byte[] baseId = new byte[Constants.OBJECT_ID_LENGTH];
    new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, base).copyRawTo(baseId, 0);
    pack.writeBytes(baseId);
    pack.writeBytes(deflate(instructions));
    pack.writeBytes(sha1(pack.toByteArray()));
    return pack.toByteArray();
  }

  private static void writeHeader(ByteArrayOutputStream out, int type, long size) {
    int first = (type << 4) | (int) (size & 0x0f);
    size >>>= 4;
    while (size != 0) {
      out.write(first | 0x80);
      first = (int) (size & 0x7f);
      size >>>= 7;
    }
    out.write(first);
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while (value >= 0x80) {
      out.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater();
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
