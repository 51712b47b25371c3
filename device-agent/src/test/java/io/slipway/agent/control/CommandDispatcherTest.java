package io.slipway.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandDispatcherTest {

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private final List<String> handled = new ArrayList<>();

  private final CommandDispatcher dispatcher =
      new CommandDispatcher(
          "device-1",
          Map.of(
              CommandType.IDENTIFY,
              command -> {
                handled.add(command.id());
                return CommandHandler.Reply.of("identified");
              },
              CommandType.STOP_SERVICE,
              command -> {
                throw new IllegalArgumentException("Service 'db' is not in release 4");
              }),
          Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void handledCommandIsAcknowledged() {
    Ack ack = dispatch("{\"id\":\"c1\",\"type\":\"identify\"}").orElseThrow().ack();

    assertThat(ack).isEqualTo(Ack.success("c1", "identified"));
    assertThat(handled).containsExactly("c1");
  }

  @Test
  void duplicateIdIsIgnored() {
    dispatch("{\"id\":\"c1\",\"type\":\"identify\"}");

    Optional<CommandDispatcher.Dispatched> again =
        dispatch("{\"id\":\"c1\",\"type\":\"identify\"}");

    assertThat(again).isEmpty();
    assertThat(handled).containsExactly("c1");
  }

  @Test
  void expiredCommandIsNotRun() {
    Ack ack =
        dispatch("{\"id\":\"c2\",\"type\":\"identify\",\"deadline\":\"2026-12-05T09:59:59Z\"}")
            .orElseThrow()
            .ack();

    assertThat(ack).isEqualTo(Ack.failure("c2", "expired"));
    assertThat(handled).isEmpty();
  }

  @Test
  void commandBeforeDeadlineRuns() {
    Ack ack =
        dispatch("{\"id\":\"c3\",\"type\":\"identify\",\"deadline\":\"2026-12-05T10:00:30Z\"}")
            .orElseThrow()
            .ack();

    assertThat(ack.ok()).isTrue();
  }

  @Test
  void handlerFailureBecomesError() {
    Ack ack =
        dispatch("{\"id\":\"c4\",\"type\":\"stop-service\",\"service\":\"db\"}")
            .orElseThrow()
            .ack();

    assertThat(ack).isEqualTo(Ack.failure("c4", "Service 'db' is not in release 4"));
  }

  @Test
  void unsupportedTypeIsNamed() {
    Ack ack = dispatch("{\"id\":\"c5\",\"type\":\"reboot\"}").orElseThrow().ack();

    assertThat(ack.ok()).isFalse();
    assertThat(ack.error()).contains("reboot");
  }

  @Test
  void unreadableCommandWithIdIsRejected() {
    Ack ack = dispatch("{\"id\":\"c6\",\"type\":\"fly\"}").orElseThrow().ack();

    assertThat(ack.ok()).isFalse();
    assertThat(ack.error()).startsWith("Invalid command: ").contains("'fly'");
  }

  @Test
  void payloadWithoutIdIsDropped() {
    assertThat(dispatch("[1, 2]")).isEmpty();
  }

  @Test
  void oldIdsAreForgottenPastLimit() {
    dispatch("{\"id\":\"first\",\"type\":\"identify\"}");
    for (int i = 0; i < CommandDispatcher.REMEMBERED_IDS; i++) {
      dispatch("{\"id\":\"n" + i + "\",\"type\":\"identify\"}");
    }

    assertThat(dispatch("{\"id\":\"first\",\"type\":\"identify\"}")).isPresent();
  }

  private Optional<CommandDispatcher.Dispatched> dispatch(String json) {
    return dispatcher.dispatch(json.getBytes(StandardCharsets.UTF_8));
  }
}
