package io.slipway.builder.compose;

import io.slipway.builder.project.ServiceSpec;
import java.nio.file.Path;
import java.util.List;

/** A compose file's services. Work in progress. */
public record ComposeFile(String file, List<ServiceSpec> services) {

  /** Reads the compose file at {@code path}; {@code name} is its name relative to the root. */
  public static ComposeFile read(Path path, String name) {
    // TODO: parse with snakeyaml-engine.
    throw new UnsupportedOperationException("compose files are not read yet");
  }
}
