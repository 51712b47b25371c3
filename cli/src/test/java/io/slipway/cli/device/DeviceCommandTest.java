package io.slipway.cli.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage errors and help of the device commands, which the CLI decides before it contacts a server.
 * The server URL names a closed loopback port, so a command that did send a request would exit 4.
 */
class DeviceCommandTest {

  private static final String DEVICE = "0123456789abcdef0123456789abcdef";

  @TempDir Path home;

  private CliRun cli() {
    return new CliRun(home)
        .variable("SLIPWAY_SERVER", "http://127.0.0.1:1")
        .variable("SLIPWAY_TOKEN", "slt_t");
  }

  @Test
  void revokeKeyWithoutYesIsRejected() {
    CliRun.Result result = cli().run("device", "revoke-key", DEVICE);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("device " + DEVICE);
    assertThat(result.err()).contains("--yes");
  }

  @Test
  void forWithFleetSettingIsRejected() {
    CliRun.Result result = cli().run("device", "channel", DEVICE, "fleet", "--for", "2h");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Invalid --for PT2H with 'fleet'");
  }

  @Test
  void unknownChannelSettingIsUsageError() {
    CliRun.Result result = cli().run("device", "channel", DEVICE, "maybe");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("maybe");
  }

  @Test
  void invalidWaitDurationIsUsageError() {
    CliRun.Result result = cli().run("device", "reboot", DEVICE, "--wait=soon");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Invalid duration 'soon'");
  }

  @Test
  void serviceCommandNeedsService() {
    CliRun.Result result = cli().run("device", "restart", DEVICE);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("SERVICE");
  }

  @Test
  void supportAccessGrantNeedsFor() {
    CliRun.Result result = cli().run("fleet", "support-access", "grant", "acme/beta");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--for");
  }

  @Test
  void helpListsCommandExitCodes() {
    CliRun.Result result = cli().run("device", "reboot", "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("With --wait: the device reported that the command failed.");
    assertThat(result.out())
        .contains("With --wait: the device did not answer before the deadline.");
    assertThat(result.out()).contains("With --wait=DURATION: the command was still pending.");
  }
}
