package io.slipway.systemtest.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests in the registry's notation, {@code sha256:} followed by 64 hex digits. */
public final class Digests {

  private static final String PREFIX = "sha256:";

  private Digests() {}

  public static String sha256(byte[] content) {
    return PREFIX + HexFormat.of().formatHex(newSha256().digest(content));
  }

  /** Formats a finished digest. */
  public static String format(MessageDigest digest) {
    return PREFIX + HexFormat.of().formatHex(digest.digest());
  }

  /** Returns the hex part of {@code digest}, which names its file under {@code blobs/sha256/}. */
  public static String hex(String digest) {
    if (!digest.startsWith(PREFIX) || digest.length() != PREFIX.length() + 64) {
      throw new IllegalArgumentException(
          "Not a sha256 digest: '" + digest + "'; expected sha256: and 64 hex digits");
    }
    return digest.substring(PREFIX.length());
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
  }
}
