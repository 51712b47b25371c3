package io.slipway.builder.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A manifest or index as stored: its exact bytes, media type and digest. Immutable; the array is
 * copied in and out.
 *
 * @param mediaType the media type, such as {@link MediaTypes#OCI_INDEX}
 * @param digest {@code sha256:} and the hex SHA-256 of {@code bytes}
 * @param bytes the document's bytes, exactly as the registry stores them
 */
public record Manifest(String mediaType, String digest, byte[] bytes) {

  public Manifest {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(bytes, "bytes");
    bytes = bytes.clone();
    String actual = sha256(bytes);
    if (digest == null) {
      digest = actual;
    } else if (!digest.equals(actual)) {
      throw new IllegalArgumentException(
          "Manifest digest " + digest + " does not match its content, which hashes to " + actual);
    }
  }

  /** Makes a manifest from its bytes, computing the digest. */
  public static Manifest of(String mediaType, byte[] bytes) {
    return new Manifest(mediaType, null, bytes);
  }

  /** Returns a copy of the bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Returns the size in bytes. */
  public long size() {
    return bytes.length;
  }

  /** Returns the bytes as UTF-8 text. */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Returns {@code sha256:} and the hex SHA-256 of {@code content}. */
  public static String sha256(byte[] content) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return "sha256:" + HexFormat.of().formatHex(sha.digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Manifest that
        && mediaType.equals(that.mediaType)
        && digest.equals(that.digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "Manifest[" + mediaType + ", " + digest + ", " + bytes.length + " bytes]";
  }
}
