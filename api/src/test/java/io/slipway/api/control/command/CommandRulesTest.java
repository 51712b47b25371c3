package io.slipway.api.control.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.error.ApiException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CommandRulesTest {

  private static void assertInvalid(Runnable check, String code, String messagePart) {
    assertThatThrownBy(check::run)
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessageContaining(messagePart);
  }

  @Test
  void requestableTypesParse() {
    assertThat(CommandRules.requestedType("reboot")).isEqualTo(CommandType.REBOOT);
    assertThat(CommandRules.requestedType("restart-service"))
        .isEqualTo(CommandType.RESTART_SERVICE);
  }

  @Test
  void serverOnlyTypesAreRefused() {
    assertInvalid(() -> CommandRules.requestedType("open-terminal"), "INVALID_COMMAND", "itself");
    assertInvalid(() -> CommandRules.requestedType("disable-channel"), "INVALID_COMMAND", "itself");
  }

  @Test
  void unknownOrMissingTypeIsRefused() {
    assertInvalid(() -> CommandRules.requestedType("dance"), "INVALID_COMMAND", "'dance'");
    assertInvalid(() -> CommandRules.requestedType(null), "INVALID_COMMAND", "no command");
  }

  @Test
  void unknownTypeListsOnlyRequestableTypes() {
    assertThatThrownBy(() -> CommandRules.requestedType("dance"))
        .hasMessageContaining("reboot")
        .hasMessageNotContaining("disable-channel")
        .hasMessageNotContaining("open-terminal");
  }

  @Test
  void unknownFleetTypeListsFleetTypes() {
    assertThatThrownBy(() -> CommandRules.fleetType("dance"))
        .hasMessageContaining("update")
        .hasMessageNotContaining("reboot");
  }

  @Test
  void fleetTakesOnlyUpdateAndIdentify() {
    assertThat(CommandRules.fleetType("update")).isEqualTo(CommandType.UPDATE);
    assertThat(CommandRules.fleetType("identify")).isEqualTo(CommandType.IDENTIFY);
    assertInvalid(() -> CommandRules.fleetType("reboot"), "INVALID_COMMAND", "whole fleet");
  }

  @Test
  void serviceCommandNeedsService() {
    assertInvalid(
        () -> CommandRules.requireService(CommandType.STOP_SERVICE, null),
        "INVALID_COMMAND",
        "'stop-service' needs a service");
  }

  @Test
  void deviceCommandRefusesService() {
    assertInvalid(
        () -> CommandRules.requireService(CommandType.REBOOT, "web"),
        "INVALID_COMMAND",
        "not on service 'web'");
  }

  @Test
  void terminalTakesOptionalService() {
    CommandRules.requireService(CommandType.OPEN_TERMINAL, null);
    CommandRules.requireService(CommandType.OPEN_TERMINAL, "web");

    assertInvalid(
        () -> CommandRules.requireService(CommandType.OPEN_TERMINAL, "Web App"),
        "INVALID_COMMAND",
        "'Web App'");
  }

  @Test
  void malformedServiceNameIsRefused() {
    assertInvalid(
        () -> CommandRules.requireService(CommandType.START_SERVICE, "Web App"),
        "INVALID_COMMAND",
        "'Web App'");
  }

  @Test
  void timeoutMustLieInRange() {
    assertThat(CommandRules.timeout(null)).isNull();
    assertThat(CommandRules.timeout("PT1S")).isEqualTo(Duration.ofSeconds(1));
    assertThat(CommandRules.timeout("PT10M")).isEqualTo(Duration.ofMinutes(10));
    assertInvalid(() -> CommandRules.timeout("PT0.5S"), "INVALID_COMMAND", "out of range");
    assertInvalid(() -> CommandRules.timeout("PT11M"), "INVALID_COMMAND", "out of range");
    assertInvalid(() -> CommandRules.timeout("30s"), "INVALID_COMMAND", "ISO-8601");
  }

  @Test
  void waitMustLieInRange() {
    assertThat(CommandRules.waitTime(null)).isZero();
    assertThat(CommandRules.waitTime("PT60S")).isEqualTo(Duration.ofSeconds(60));
    assertInvalid(() -> CommandRules.waitTime("PT61S"), "INVALID_PARAMETER", "out of range");
    assertInvalid(() -> CommandRules.waitTime("-PT1S"), "INVALID_PARAMETER", "out of range");
  }

  @Test
  void limitMustLieInRange() {
    assertThat(CommandRules.limit(50)).isEqualTo(50);
    assertInvalid(() -> CommandRules.limit(0), "INVALID_PARAMETER", "limit 0");
    assertInvalid(() -> CommandRules.limit(501), "INVALID_PARAMETER", "limit 501");
  }
}
