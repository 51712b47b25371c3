package io.slipway.testing.net;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds HTTP/1.1 request lines, such as {@code GET /v2/ HTTP/1.1}, in the bytes a client sends,
 * across reads that split a line. Lines that do not look like a request line (headers, bodies) are
 * skipped. Not thread-safe: one instance per connection's request direction.
 */
final class RequestLines {

  /** Longer lines are bodies, not request lines; they are skipped without being buffered. */
  private static final int MAX_LINE = 8 * 1024;

  private static final Pattern REQUEST_LINE = Pattern.compile("[A-Z]+ \\S+ HTTP/1\\.[01]");

  private final StringBuilder line = new StringBuilder();
  private boolean overlong;

  /** Takes the next {@code length} bytes and returns the request lines they completed. */
  List<String> feed(byte[] buffer, int length) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      char c = (char) (buffer[i] & 0xff);
      if (c == '\n') {
        endLine(found);
      } else if (!overlong) {
        append(c);
      }
    }
    return found;
  }

  private void append(char c) {
    if (line.length() == MAX_LINE) {
      overlong = true;
      line.setLength(0);
      return;
    }
    line.append(c);
  }

  private void endLine(List<String> found) {
    String text = line.toString().strip();
    if (!overlong && REQUEST_LINE.matcher(text).matches()) {
      found.add(text);
    }
    line.setLength(0);
    overlong = false;
  }
}
