package io.slipway.cli.delta;

import io.slipway.builder.platform.Platform;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Parses the option values that {@code slipway delta make} and {@code apply} share. */
final class DeltaOptions {

  private DeltaOptions() {}

  /**
   * Parses the image location of {@code option}.
   *
   * @throws ParameterException (exit code 2) naming the option, the value and the accepted forms
   */
  static ImageLocation location(CommandSpec spec, String option, String value) {
    try {
      return ImageLocation.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }

  /**
   * Parses {@code --platform}, or returns null when it is absent.
   *
   * @throws ParameterException (exit code 2) naming the value and the accepted form
   */
  static Platform platform(CommandSpec spec, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Platform.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--platform: " + e.getMessage());
    }
  }
}
