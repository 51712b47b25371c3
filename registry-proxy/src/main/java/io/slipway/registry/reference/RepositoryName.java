package io.slipway.registry.reference;

import java.util.regex.Pattern;

/**
 * A repository name as the OCI distribution specification defines it: lower-case path components of
 * letters and digits joined by {@code .}, {@code _}, {@code __} or dashes, separated by {@code /}.
 * At most 255 characters. The grammar admits no {@code ..} component and no absolute path, so a
 * name can be used as part of a storage location.
 */
public record RepositoryName(String value) {

  /** Longest accepted name, in characters. */
  public static final int MAX_LENGTH = 255;

  private static final Pattern NAME =
      Pattern.compile(
          "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

  /**
   * @throws InvalidReferenceException naming the value when it breaks the grammar
   */
  public RepositoryName {
    if (value == null || value.isEmpty()) {
      throw new InvalidReferenceException(
          "Repository name is empty: use a name such as 'acme/app'");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidReferenceException(
          "Repository name '"
              + value.substring(0, 40)
              + "...' is "
              + value.length()
              + " characters long; the limit is "
              + MAX_LENGTH);
    }
    if (!NAME.matcher(value).matches()) {
      throw new InvalidReferenceException(
          "Invalid repository name '"
              + value
              + "': use lower-case letters and digits in '/'-separated components, joined by"
              + " '.', '_', '__' or '-'");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
