package io.slipway.delta.apply;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Layer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Stages a target layer that the payload carries whole, verifying its digest and diff_id. */
final class WholeLayers {

  private WholeLayers() {}

  /**
   * Writes {@code content}, the whole blob of {@code layer}, to staging and verifies it.
   *
   * @return the staged file
   * @throws DeltaException {@code DIGEST_MISMATCH} when the blob digest or diff_id differs
   */
  static Path stage(InputStream content, Layer layer, Staging staging) throws IOException {
    Digest expected = layer.blob().digest();
    Path partial = staging.partial(expected.hex());
    Digest actual;
    long size;
    try (DigestingOutputStream out =
        new DigestingOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)))) {
      content.transferTo(out);
      actual = out.digest();
      size = out.count();
    }
    if (!actual.equals(expected) || size != layer.blob().size()) {
      throw mismatch(expected, "hashes to " + actual);
    }

    Digest diffId = diffIdOf(partial, layer.compression());
    if (!diffId.equals(layer.diffId())) {
      throw mismatch(
          expected, "has diff_id " + diffId + ", but the config lists " + layer.diffId());
    }
    return staging.commit(partial, expected.hex());
  }

  private static Digest diffIdOf(Path blob, Compression compression) throws IOException {
    try (InputStream tar = BaseLayers.decompress(Files.newInputStream(blob), compression);
        DigestingOutputStream sink = new DigestingOutputStream(OutputStream.nullOutputStream())) {
      tar.transferTo(sink);
      return sink.digest();
    }
  }

  private static DeltaException mismatch(Digest layer, String detail) {
    return new DeltaException(
        DeltaFailure.DIGEST_MISMATCH,
        "The payload's layer " + layer + " " + detail + "; download the payload again");
  }
}
