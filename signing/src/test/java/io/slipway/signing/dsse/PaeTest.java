package io.slipway.signing.dsse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PaeTest {

  @Test
  void encodesSpecificationExample() {
    byte[] encoded =
        Pae.encode("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  }

  @Test
  void encodesEmptyPayloadWithZeroLength() {
    byte[] encoded = Pae.encode("t", new byte[0]);

    assertThat(new String(encoded, StandardCharsets.US_ASCII)).isEqualTo("DSSEv1 1 t 0 ");
  }

  @Test
  void countsBytesOfMultiByteType() {
    // "é" is one UTF-16 unit but two UTF-8 bytes; "€" is one unit and three bytes.
    String type = "application/vnd.caf\u00e9+\u20ac";
    byte[] encoded = Pae.encode(type, "x".getBytes(StandardCharsets.UTF_8));

    assertThat(type.length()).isEqualTo(22);
    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .isEqualTo("DSSEv1 25 application/vnd.caf\u00e9+\u20ac 1 x");
  }

  @Test
  void countsBytesOfMultiByteTypeAndPayload() {
    // U+1F680 is two UTF-16 units and four UTF-8 bytes.
    byte[] payload = "{\"name\":\"\u00fc\ud83d\ude80\"}".getBytes(StandardCharsets.UTF_8);
    byte[] encoded = Pae.encode("t\u00fc", payload);

    assertThat(payload).hasSize(17);
    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .isEqualTo("DSSEv1 3 t\u00fc 17 {\"name\":\"\u00fc\ud83d\ude80\"}");
  }

  @Test
  void keepsBinaryPayloadBytes() {
    byte[] payload = {0, (byte) 0xff, ' ', '\n'};
    byte[] encoded = Pae.encode("b", payload);

    byte[] prefix = "DSSEv1 1 b 4 ".getBytes(StandardCharsets.US_ASCII);
    assertThat(encoded).startsWith(prefix);
    assertThat(encoded).endsWith(payload);
    assertThat(encoded).hasSize(prefix.length + payload.length);
  }
}
