package io.slipway.testing.net;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLinesTest {

  private final RequestLines lines = new RequestLines();

  @Test
  void findsRequestLineSplitAcrossReads() {
    List<String> found = new ArrayList<>();

    found.addAll(feed("GET /device/v1/de"));
    found.addAll(feed("lta HTTP/1.1\r\nHost: x\r\n\r\n"));

    assertThat(found).containsExactly("GET /device/v1/delta HTTP/1.1");
  }

  @Test
  void skipsHeadersAndBodies() {
    List<String> found = feed("POST /logs HTTP/1.1\r\nContent-Length: 9\r\n\r\nGET a b\r\n");

    assertThat(found).containsExactly("POST /logs HTTP/1.1");
  }

  @Test
  void skipsOverlongLines() {
    String body = "x".repeat(10_000) + " GET /a HTTP/1.1\n";

    assertThat(feed(body)).isEmpty();
    assertThat(feed("GET /b HTTP/1.1\n")).containsExactly("GET /b HTTP/1.1");
  }

  private List<String> feed(String text) {
    byte[] bytes = text.getBytes(ISO_8859_1);
    return lines.feed(bytes, bytes.length);
  }
}
