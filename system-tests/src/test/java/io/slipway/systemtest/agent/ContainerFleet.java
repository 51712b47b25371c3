package io.slipway.systemtest.agent;

import io.slipway.systemtest.docker.DockerCli;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;

/**
 * A server on H2 and the file system with the fleet acme/sensors, and a Docker CLI whose config
 * lives in the server's work directory, for the agent tests whose services run as containers.
 */
record ContainerFleet(SlipwayStack stack, DockerCli docker, DeviceFleet fleet) {

  /**
   * Starts the server for {@code suite} and creates the fleet. Fails, never skips, without a
   * running Docker engine, and stops the server again when the fleet cannot be created.
   */
  static ContainerFleet start(String suite) throws Exception {
    DockerCli.requireEngine();
    SlipwayStack stack =
        SlipwayStack.start(suite, new Backend(Backend.Database.H2, Backend.Storage.FILESYSTEM));
    try {
      DockerCli docker = new DockerCli(stack.directory("docker-config"));
      return new ContainerFleet(stack, docker, DeviceFleet.create(stack, "acme", "sensors"));
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
  }
}
