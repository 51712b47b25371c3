package io.slipway.cli.client;

import picocli.CommandLine.Parameters;

/** The first parameter, {@code ORG/FLEET}, of the commands that act on one fleet. */
public class FleetArgument {

  @Parameters(
      index = "0",
      paramLabel = "ORG/FLEET",
      converter = FleetName.Converter.class,
      description = "The fleet, such as acme/sensors.")
  FleetName fleet;

  /** Returns the fleet named. */
  public FleetName fleet() {
    return fleet;
  }
}
