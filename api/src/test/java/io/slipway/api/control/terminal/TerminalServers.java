package io.slipway.api.control.terminal;

import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;

/**
 * Starts a server for terminal tests with short timeouts. {@link TestServers} puts the SSH gateway
 * on a free port.
 */
final class TerminalServers {

  private TerminalServers() {}

  /** Starts the server with {@link FakeDevices} and creates organization acme, fleet alpha. */
  static ControlPlaneFixture start(Path dataDirectory) {
    ControlPlaneFixture fixture =
        ControlPlaneFixture.start(
            TestDatabase.h2(),
            dataDirectory,
            "--spring.main.sources=" + FakeDevices.class.getName(),
            "--slipway.control.terminal.idle-timeout=PT3S",
            "--slipway.control.terminal.dial-timeout=PT4S");
    fixture.createOrganization("acme");
    fixture.createFleet("acme", "alpha", "raspberrypi4-64", false);
    devices(fixture).serverPort(fixture.port());
    return fixture;
  }

  static FakeDevices devices(ControlPlaneFixture fixture) {
    return fixture.server().getBean(FakeDevices.class);
  }
}
