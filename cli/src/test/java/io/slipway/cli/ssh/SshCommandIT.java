package io.slipway.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.CliRun;
import io.slipway.cli.ExitCode;
import io.slipway.cli.it.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway ssh} against a running server, with piped input, as a script would use it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshCommandIT {

  private TestServer server;
  private String device;
  private CliRun cli;

  @BeforeAll
  void startServer(@TempDir Path data, @TempDir Path home) throws IOException {
    server =
        TestServer.start(
            data,
            "acme",
            "--spring.main.sources=" + EchoDevices.class.getName(),
            "--slipway.control.ssh.port=-1",
            "--slipway.control.embedded.tls-port=0");
    server.call(
        "POST",
        "/api/v1/orgs/acme/fleets",
        "{\"slug\":\"alpha\",\"deviceType\":\"raspberrypi4-64\",\"requiresApproval\":false}",
        server.userToken(),
        201);
    String provisioning =
        server
            .call(
                "POST",
                "/api/v1/orgs/acme/fleets/alpha/provisioning-keys",
                "{\"name\":\"p\"}",
                server.userToken(),
                201)
            .path("secret")
            .asString();
    device = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    String deviceKey =
        server
            .call(
                "POST",
                "/device/v1/register",
                "{\"uuid\":\"" + device + "\",\"deviceType\":\"raspberrypi4-64\"}",
                provisioning,
                201)
            .path("deviceKey")
            .asString();
    EchoDevices devices = server.context().getBean(EchoDevices.class);
    devices.use(server.url());
    devices.enroll(device, deviceKey);
    cli = new CliRun(home).variable("SLIPWAY_TOKEN", server.userToken());
  }

  @AfterAll
  void stopServer() {
    server.close();
  }

  @Test
  void pipedInputReachesTheShell() {
    CliRun.Result result =
        cli.stdin("hello\nexit 4\n").run("ssh", "--server", server.url(), device);

    assertThat(result.out()).contains("echo: hello");
  }

  @Test
  void exitsWithTheShellsCode() {
    CliRun.Result result = cli.stdin("exit 7\n").run("ssh", "--server", server.url(), device);

    assertThat(result.exitCode()).as(result.err()).isEqualTo(7);
  }

  @Test
  void unknownDeviceFails() {
    CliRun.Result result =
        cli.stdin("").run("ssh", "--server", server.url(), "00000000000000000000000000000000");

    assertThat(result.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(result.err()).contains("does not exist");
  }

  @Test
  void wrongTokenIsNotAuthorized() {
    CliRun.Result result =
        new CliRun(cli.home())
            .variable("SLIPWAY_TOKEN", "slw_wrong")
            .run("ssh", "--server", server.url(), device);

    assertThat(result.exitCode()).isEqualTo(ExitCode.NOT_AUTHORIZED);
  }
}
