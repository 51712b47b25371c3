package io.slipway.registry.reference;

import java.util.regex.Pattern;

/** A tag: up to 128 letters, digits, {@code _ . -}, not starting with {@code .} or {@code -}. */
public record Tag(String value) {

  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  /**
   * @throws InvalidReferenceException naming the value when it breaks the grammar
   */
  public Tag {
    if (value == null || !TAG.matcher(value).matches()) {
      throw new InvalidReferenceException(
          "Invalid tag '"
              + value
              + "': use up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
