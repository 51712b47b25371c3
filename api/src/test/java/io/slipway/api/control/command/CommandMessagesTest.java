package io.slipway.api.control.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CommandMessagesTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private static Command command(CommandType type, String service) {
    return new Command(
        "cmd_01JEXAMPLE0000000000000000",
        "0123456789abcdef0123456789abcdef",
        type,
        service,
        Command.Status.PENDING,
        null,
        null,
        "alice",
        NOW,
        NOW.plusSeconds(30),
        null);
  }

  private static Object ack(String json) {
    return CommandMessages.parseAck(json.getBytes(StandardCharsets.UTF_8)).orElse(null);
  }

  @Test
  void commandCarriesIdTypeServiceDeadline() {
    JsonNode message =
        JSON.readTree(
            CommandMessages.command(command(CommandType.RESTART_SERVICE, "web"), Map.of()));

    assertThat(message.path("id").asString()).isEqualTo("cmd_01JEXAMPLE0000000000000000");
    assertThat(message.path("type").asString()).isEqualTo("restart-service");
    assertThat(message.path("service").asString()).isEqualTo("web");
    assertThat(message.path("deadline").asString()).isEqualTo("2026-12-05T10:00:30Z");
  }

  @Test
  void commandWithoutServiceLeavesFieldOut() {
    JsonNode message =
        JSON.readTree(CommandMessages.command(command(CommandType.REBOOT, null), Map.of()));

    assertThat(message.has("service")).isFalse();
  }

  @Test
  void parametersAreMergedIntoCommand() {
    Map<String, Object> terminal = Map.of("path", "/device/v1/x/terminals/tun_1", "cols", 80);

    JsonNode message =
        JSON.readTree(
            CommandMessages.command(
                command(CommandType.OPEN_TERMINAL, null), Map.of("terminal", terminal)));

    assertThat(message.path("terminal").path("path").asString())
        .isEqualTo("/device/v1/x/terminals/tun_1");
    assertThat(message.path("terminal").path("cols").asInt()).isEqualTo(80);
  }

  @Test
  void parameterCannotReplaceServerField() {
    assertThatThrownBy(
            () ->
                CommandMessages.command(
                    command(CommandType.REBOOT, null), Map.of("deadline", "never")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'deadline'");
  }

  @Test
  void updateMessageHasIdTypeDeadline() {
    JsonNode message = JSON.readTree(CommandMessages.update("cmd_X", NOW));

    assertThat(message.path("id").asString()).isEqualTo("cmd_X");
    assertThat(message.path("type").asString()).isEqualTo("update");
    assertThat(message.path("deadline").asString()).isEqualTo("2026-12-05T10:00:00Z");
  }

  @Test
  void successfulAckIsRead() {
    Object parsed =
        ack(
            "{\"type\":\"ack\",\"commandId\":\"cmd_1\",\"ok\":true,\"result\":\"done\","
                + "\"error\":null,\"extra\":1}");

    assertThat(parsed).isEqualTo(new Ack("cmd_1", true, "done", null));
    assertThat(((Ack) parsed).status()).isEqualTo(Command.Status.SUCCEEDED);
  }

  @Test
  void failedAckIsRead() {
    Object parsed = ack("{\"type\":\"ack\",\"commandId\":\"cmd_1\",\"ok\":false,\"error\":\"no\"}");

    assertThat(parsed).isEqualTo(new Ack("cmd_1", false, null, "no"));
    assertThat(((Ack) parsed).status()).isEqualTo(Command.Status.FAILED);
  }

  @Test
  void otherEventTypesAreNotAcks() {
    assertThat(ack("{\"type\":\"heartbeat\"}")).isNull();
  }

  @Test
  void malformedEventsAreRejected() {
    for (String payload :
        new String[] {
          "not json",
          "[1,2]",
          "{\"type\":\"ack\",\"ok\":true}",
          "{\"type\":\"ack\",\"commandId\":\"cmd_1\"}",
          "{\"type\":\"ack\",\"commandId\":\"cmd_1\",\"ok\":\"yes\"}"
        }) {
      assertThatThrownBy(() -> ack(payload))
          .as(payload)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
