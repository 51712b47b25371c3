package io.slipway.delta.encode;

import io.slipway.delta.format.BsdiffPatch;
import java.io.ByteArrayOutputStream;

/** Applies a bsdiff patch in memory, as the payload format defines it, to check the encoder. */
final class Bspatch {

  private Bspatch() {}

  static byte[] apply(byte[] reference, BsdiffPatch patch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long position = 0;
    int diffAt = 0;
    int extraAt = 0;
    for (BsdiffPatch.Control control : patch.controls()) {
      for (long i = 0; i < control.addLength(); i++) {
        out.write(reference[(int) (position + i)] + patch.diff()[diffAt++]);
      }
      position += control.addLength();
      out.write(patch.extra(), extraAt, (int) control.insertLength());
      extraAt += (int) control.insertLength();
      position += control.seek();
    }
    return out.toByteArray();
  }
}
