package io.slipway.delta.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A SHA-256 content digest in OCI form, {@code sha256:} and 64 lower-case hex digits. Immutable.
 *
 * @param value the digest as text
 */
public record Digest(String value) {

  private static final Pattern FORM = Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * @throws IllegalArgumentException naming the value when it is not {@code sha256:} and 64
   *     lower-case hex digits
   */
  public Digest {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "Digest '"
              + value
              + "' is not a SHA-256 digest: write sha256: and 64 lower-case hex digits");
    }
  }

  /** Parses {@code value}; see the constructor for the errors. */
  public static Digest of(String value) {
    return new Digest(value);
  }

  /** Returns the digest of {@code content}. */
  public static Digest of(byte[] content) {
    return fromHash(newSha256().digest(content));
  }

  /** Returns the digest whose 32 hash bytes are {@code sha256}. */
  public static Digest fromHash(byte[] sha256) {
    return new Digest("sha256:" + HexFormat.of().formatHex(sha256));
  }

  /** Returns a fresh SHA-256 {@link MessageDigest}. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /** Returns the 64 hex digits. */
  public String hex() {
    return value.substring("sha256:".length());
  }

  @Override
  public String toString() {
    return value;
  }
}
