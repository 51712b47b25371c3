package io.slipway.registry.reference;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest such as {@code sha256:4f3c...}: the algorithm and the lower-case hex encoding of
 * the hash. Only {@code sha256} (64 hex digits) and {@code sha512} (128) are accepted, the two
 * algorithms that the OCI image specification registers.
 */
public record Digest(String algorithm, String hex) {

  private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

  /**
   * @throws InvalidReferenceException naming the value when it is not a supported digest
   */
  public Digest {
    int expectedLength =
        switch (algorithm == null ? "" : algorithm) {
          case "sha256" -> 64;
          case "sha512" -> 128;
          default ->
              throw new InvalidReferenceException(
                  "Unsupported digest algorithm '" + algorithm + "': use sha256 or sha512");
        };
    if (hex == null || hex.length() != expectedLength || !HEX.matcher(hex).matches()) {
      throw new InvalidReferenceException(
          "Invalid "
              + algorithm
              + " digest '"
              + hex
              + "': expected "
              + expectedLength
              + " lower-case hex digits");
    }
  }

  /**
   * Parses {@code algorithm:hex}.
   *
   * @throws InvalidReferenceException naming the value when it is not a supported digest
   */
  public static Digest parse(String text) {
    if (text == null) {
      throw new InvalidReferenceException("Digest is missing: expected 'sha256:<64 hex digits>'");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new InvalidReferenceException(
          "Invalid digest '" + text + "': expected 'sha256:<64 hex digits>'");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** Returns true when {@code text} looks like a digest (has an algorithm prefix). */
  public static boolean isDigest(String text) {
    return text.contains(":");
  }

  /** Returns the SHA-256 digest of {@code bytes}. */
  public static Digest sha256Of(byte[] bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      return new Digest("sha256", HexFormat.of().formatHex(hash));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JVM lacks SHA-256", e);
    }
  }

  /** Returns the digest of {@code bytes} computed with this digest's algorithm. */
  public Digest recompute(byte[] bytes) {
    try {
      String name = algorithm.equals("sha256") ? "SHA-256" : "SHA-512";
      byte[] hash = MessageDigest.getInstance(name).digest(bytes);
      return new Digest(algorithm, HexFormat.of().formatHex(hash));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JVM lacks " + algorithm, e);
    }
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
