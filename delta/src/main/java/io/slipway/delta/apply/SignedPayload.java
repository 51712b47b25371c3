package io.slipway.delta.apply;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.image.Digest;
import io.slipway.delta.manifest.DeltaManifest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * The payload as it downloads, checked against the size and digest that the verified delta manifest
 * states: reading past the size fails at once, and {@link #finish} compares the digest.
 */
final class SignedPayload extends FilterInputStream {

  private final DeltaManifest manifest;
  private final MessageDigest sha256 = Digest.newSha256();
  private long count;

  SignedPayload(InputStream in, DeltaManifest manifest) {
    super(in);
    this.manifest = manifest;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int read = in.read(b, off, len);
    if (read <= 0) {
      return read;
    }
    sha256.update(b, off, read);
    count += read;
    if (count > manifest.payloadSize()) {
      throw mismatch("is longer than the " + manifest.payloadSize() + " bytes");
    }
    return read;
  }

  @Override
  public long skip(long n) throws IOException {
    // Every byte must pass through the digest, so skipping reads.
    return read(new byte[(int) Math.min(n, 8192)]);
  }

  /**
   * Reads what is left and checks size and digest.
   *
   * @throws DeltaException {@code BAD_SIGNATURE} when they differ from the manifest's
   */
  void finish() throws IOException {
    byte[] rest = new byte[8192];
    while (read(rest) >= 0) {
      // Trailing bytes count towards the size and digest that the manifest signs.
    }
    if (count != manifest.payloadSize()) {
      throw mismatch("has " + count + " bytes, not the " + manifest.payloadSize());
    }
    Digest actual = Digest.fromHash(sha256.digest());
    if (!actual.equals(manifest.payloadDigest())) {
      throw mismatch("hashes to " + actual + ", not " + manifest.payloadDigest() + " as");
    }
  }

  private DeltaException mismatch(String detail) {
    return new DeltaException(
        DeltaFailure.BAD_SIGNATURE,
        "The delta payload "
            + detail
            + " the signed delta manifest states; download it again or request a new delta");
  }
}
