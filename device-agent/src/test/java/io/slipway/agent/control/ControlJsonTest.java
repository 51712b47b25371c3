package io.slipway.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ControlJsonTest {

  @Test
  void serviceCommandIsRead() {
    Command command =
        ControlJson.command(
            bytes(
                "{\"id\":\"cmd_1\",\"type\":\"restart-service\",\"service\":\"web\","
                    + "\"deadline\":\"2026-12-05T10:00:30Z\",\"extra\":[1]}"));

    assertThat(command.id()).isEqualTo("cmd_1");
    assertThat(command.type()).isEqualTo(CommandType.RESTART_SERVICE);
    assertThat(command.service()).isEqualTo("web");
    assertThat(command.deadline()).isEqualTo(Instant.parse("2026-12-05T10:00:30Z"));
  }

  @Test
  void openTerminalCarriesItsTunnel() {
    Command command =
        ControlJson.command(
            bytes(
                "{\"id\":\"cmd_2\",\"type\":\"open-terminal\",\"terminal\":{\"path\":"
                    + "\"/device/v1/abc/terminals/tun_9\",\"token\":\"slt_x\",\"service\":null,"
                    + "\"cols\":100,\"rows\":30}}"));

    TerminalRequest terminal = command.terminal();
    assertThat(terminal.path()).isEqualTo("/device/v1/abc/terminals/tun_9");
    assertThat(terminal.tunnelId()).isEqualTo("tun_9");
    assertThat(terminal.service()).isNull();
    assertThat(terminal.cols()).isEqualTo(100);
    assertThat(terminal.rows()).isEqualTo(30);
    assertThat(terminal.toString()).doesNotContain("slt_x");
  }

  @Test
  void unknownTypeNamesKnownTypes() {
    assertThatThrownBy(() -> ControlJson.command(bytes("{\"id\":\"c\",\"type\":\"explode\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'explode'")
        .hasMessageContaining("restart-service");
  }

  @Test
  void serviceCommandWithoutServiceFails() {
    assertThatThrownBy(() -> ControlJson.command(bytes("{\"id\":\"c\",\"type\":\"stop-service\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no service");
  }

  @Test
  void invalidDeadlineIsNamed() {
    assertThatThrownBy(
            () ->
                ControlJson.command(
                    bytes("{\"id\":\"c\",\"type\":\"reboot\",\"deadline\":\"tomorrow\"}")))
        .hasMessageContaining("'tomorrow'");
  }

  @Test
  void idOfBrokenCommandIsFound() {
    assertThat(ControlJson.commandId(bytes("{\"id\":\"c9\",\"type\":7}"))).isEqualTo("c9");
    assertThat(ControlJson.commandId(bytes("not json"))).isNull();
  }

  @Test
  void ackHasEveryField() {
    String json =
        new String(ControlJson.ack(Ack.failure("cmd_3", "expired")), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"type\":\"ack\",\"commandId\":\"cmd_3\",\"ok\":false,\"result\":null,"
                + "\"error\":\"expired\"}");
  }

  @Test
  void presenceMessagesMatchContract() {
    assertThat(new String(ControlJson.online("0.1.0"), StandardCharsets.UTF_8))
        .isEqualTo("{\"online\":true,\"agentVersion\":\"0.1.0\"}");
    assertThat(new String(ControlJson.offline(), StandardCharsets.UTF_8))
        .isEqualTo("{\"online\":false}");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
