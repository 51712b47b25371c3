package io.slipway.signing.dsse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * DSSE's pre-authentication encoding, the bytes a DSSE signature covers: {@code "DSSEv1" SP
 * LEN(type) SP type SP LEN(body) SP body}, where the lengths are ASCII decimal byte counts of the
 * UTF-8 type and of the body. Stateless.
 */
public final class Pae {

  private Pae() {}

  /** Returns the pre-authentication encoding of {@code payload} with {@code payloadType}. */
  public static byte[] encode(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + type.length + payload.length);
    out.writeBytes(ascii("DSSEv1 " + type.length + " "));
    out.writeBytes(type);
    out.writeBytes(ascii(" " + payload.length + " "));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
