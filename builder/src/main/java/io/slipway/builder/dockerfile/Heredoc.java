package io.slipway.builder.dockerfile;

import java.util.Objects;

/**
 * A here-document attached to a {@code RUN}, {@code COPY} or {@code ADD} instruction, such as the
 * body of {@code RUN <<EOF ... EOF}. Immutable.
 *
 * @param delimiter the word that ends the body, without quotes, such as {@code EOF}
 * @param content the body, each line ending with a line feed; with {@code stripTabs} the leading
 *     tabs are already removed
 * @param expand true when the delimiter was unquoted, so that variables in the body are expanded
 * @param stripTabs true for {@code <<-}, which removes leading tabs from every body line
 * @param line the 1-based line of the first body line
 */
public record Heredoc(
    String delimiter, String content, boolean expand, boolean stripTabs, int line) {

  /**
   * @throws IllegalArgumentException when the delimiter is empty or the line is not positive
   */
  public Heredoc {
    Objects.requireNonNull(content, "content");
    if (delimiter == null || delimiter.isEmpty()) {
      throw new IllegalArgumentException("Heredoc delimiter must not be empty");
    }
    if (line < 1) {
      throw new IllegalArgumentException("Heredoc line " + line + " must be 1 or more");
    }
  }
}
