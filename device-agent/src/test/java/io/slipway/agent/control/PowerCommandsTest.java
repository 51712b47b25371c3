package io.slipway.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PowerCommandsTest {

  private static final String DEVICE = "0123456789abcdef0123456789abcdef";

  @Test
  void identifyWithoutCommandSaysLoggedOnly() {
    PowerCommands power =
        new PowerCommands(DEVICE, new ExecSystemActions("reboot", "poweroff", ""));

    CommandHandler.Reply reply = power.identify(null);

    assertThat(reply.result()).isEqualTo(PowerCommands.IDENTIFY_LOGGED);
  }

  @Test
  void identifyWithCommandSaysItRan() {
    PowerCommands power =
        new PowerCommands(DEVICE, new ExecSystemActions("reboot", "poweroff", "true"));

    CommandHandler.Reply reply = power.identify(null);

    assertThat(reply.result()).isEqualTo(PowerCommands.IDENTIFY_RAN);
  }
}
