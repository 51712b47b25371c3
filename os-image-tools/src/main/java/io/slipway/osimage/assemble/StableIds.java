package io.slipway.osimage.assemble;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Identifiers that follow from the assembly's inputs: the disk signature, GPT GUIDs, filesystem
 * UUIDs and the FAT volume id are each the SHA-256 of the inputs' digest and a purpose name, cut to
 * size. The same inputs give the same identifiers, and different inputs give different ones with
 * the collision odds of random identifiers. Immutable and thread-safe.
 */
final class StableIds {

  private final byte[] inputDigest;

  /**
   * @param inputDigest the SHA-256 of every input to the assembly
   */
  StableIds(byte[] inputDigest) {
    this.inputDigest = inputDigest.clone();
  }

  /** Returns a UUID for {@code purpose}, with the version 8 (custom) and RFC 9562 variant bits. */
  UUID uuid(String purpose) {
    ByteBuffer hash = ByteBuffer.wrap(hash(purpose));
    long high = hash.getLong(0);
    long low = hash.getLong(8);
    high = (high & ~0xF000L) | 0x8000L;
    low = (low & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low);
  }

  /** Returns a non-zero 32-bit value for {@code purpose}, such as a disk signature. */
  int int32(String purpose) {
    int value = ByteBuffer.wrap(hash(purpose)).getInt(0);
    // Zero means "no signature" to some tools, so it is never returned.
    return value == 0 ? 1 : value;
  }

  private byte[] hash(String purpose) {
    MessageDigest sha256 = sha256();
    sha256.update(inputDigest);
    sha256.update(purpose.getBytes(StandardCharsets.UTF_8));
    return sha256.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime provides SHA-256", e);
    }
  }
}
