package io.slipway.cli.ssh;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Writes the device's terminal bytes to the command's output as UTF-8 text. A character split
 * across two frames is kept until its last byte arrives; bytes that are not UTF-8 become U+FFFD.
 * Not thread-safe: the WebSocket delivers one frame at a time.
 */
final class TextSink {

  private final PrintWriter out;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private ByteBuffer pending = ByteBuffer.allocate(0);

  TextSink(PrintWriter out) {
    this.out = out;
  }

  /** Decodes and writes {@code bytes}, then flushes. */
  void write(ByteBuffer bytes) {
    ByteBuffer input = ByteBuffer.allocate(pending.remaining() + bytes.remaining());
    input.put(pending).put(bytes).flip();
    CharBuffer chars = CharBuffer.allocate(input.remaining() + 1);
    decoder.decode(input, chars, false);
    pending = input.slice();
    chars.flip();
    out.append(chars);
    out.flush();
  }
}
