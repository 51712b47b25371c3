package io.slipway.builder.template;

import java.util.Objects;

/**
 * The Dockerfile text a service builds for one device type, after template selection and variable
 * substitution. Immutable.
 *
 * @param file the file it came from, relative to the project root, such as {@code
 *     web/Dockerfile.template}
 * @param text the text with every template variable filled in
 * @param template true when the file was a template
 */
public record ResolvedDockerfile(String file, String text, boolean template) {

  public ResolvedDockerfile {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(text, "text");
  }
}
