package io.slipway.builder.context;

import java.io.IOException;
import java.nio.file.Path;

/** A build context ready to be written for an engine. Work in progress. */
public final class PreparedContext {

  /** Where the resolved Dockerfile goes in a written context; no project file can clash with it. */
  public static final String DOCKERFILE = ".slipway/Dockerfile";

  private final Path source;
  private final String dockerfileText;

  private PreparedContext(Path source, String dockerfileText) {
    this.source = source;
    this.dockerfileText = dockerfileText;
  }

  /** Prepares the context at {@code source} with the resolved Dockerfile text. */
  public static PreparedContext of(Path source, String dockerfileText) {
    return new PreparedContext(source, dockerfileText);
  }

  /** Writes the filtered context and the Dockerfile into {@code target}, which must not exist. */
  public void write(Path target) throws IOException {
    throw new UnsupportedOperationException(
        "not written yet: " + source + " " + target + dockerfileText.length());
  }
}
