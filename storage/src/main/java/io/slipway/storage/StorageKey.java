package io.slipway.storage;

import java.util.regex.Pattern;

/**
 * The address of an object in a {@link BlobStore}: slash-separated segments of letters, digits,
 * {@code . _ -}, with no empty, {@code .} or {@code ..} segment, so that no key can name a location
 * outside the store's root.
 */
public record StorageKey(String value) {

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

  /**
   * @throws IllegalArgumentException when {@code value} is empty, absolute, or has a segment that
   *     is empty, {@code .}, {@code ..} or contains other characters
   */
  public StorageKey {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          "Storage key is empty: give a relative path such as 'a/b'");
    }
    for (String segment : value.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "Invalid storage key '"
                + value
                + "': each '/'-separated segment must be non-empty, not '.' or '..', and use only"
                + " letters, digits, '.', '_' and '-'");
      }
    }
  }

  /** Builds a key from segments joined by {@code /}. */
  public static StorageKey of(String first, String... more) {
    StringBuilder joined = new StringBuilder(first);
    for (String segment : more) {
      joined.append('/').append(segment);
    }
    return new StorageKey(joined.toString());
  }

  /** Returns this key with {@code segment} appended. */
  public StorageKey resolve(String segment) {
    return new StorageKey(value + "/" + segment);
  }

  /** Returns the last segment. */
  public String name() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return value;
  }
}
