package io.slipway.cli.client;

import picocli.CommandLine.Option;

/** The required {@code --fleet ORG/FLEET} option of push, deploy and release list. */
public class FleetOption {

  @Option(
      names = "--fleet",
      paramLabel = "ORG/FLEET",
      required = true,
      converter = FleetName.Converter.class,
      description = "The fleet, such as acme/sensors.")
  FleetName fleet;

  /** Returns the fleet named. */
  public FleetName fleet() {
    return fleet;
  }
}
