package io.slipway.api.control.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.control.ControlProperties;
import io.slipway.api.error.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TerminalTunnelsTest {

  private static final String DEVICE = "0123456789abcdef0123456789abcdef";
  private static final String OTHER_DEVICE = "fedcba9876543210fedcba9876543210";

  private final MovableClock clock = new MovableClock();
  private final TerminalTunnels tunnels = new TerminalTunnels(properties(), clock);

  @AfterEach
  void stop() {
    tunnels.destroy();
  }

  @Test
  void tokenWorksOnce() {
    TerminalTunnels.NewTunnel created = create(DEVICE);
    String id = created.tunnel().id();
    String token = created.token().value();

    assertThat(tunnels.claim(DEVICE, id, token)).isSameAs(created.tunnel());
    assertThatThrownBy(() -> tunnels.claim(DEVICE, id, token))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining(id);
  }

  @Test
  void tokenWorksOnlyForItsDevice() {
    TerminalTunnels.NewTunnel created = create(DEVICE);

    assertThatThrownBy(
            () -> tunnels.claim(OTHER_DEVICE, created.tunnel().id(), created.token().value()))
        .isInstanceOf(ApiException.class);
  }

  @Test
  void tokenWorksOnlyForItsTunnel() {
    TerminalTunnels.NewTunnel first = create(DEVICE);
    TerminalTunnels.NewTunnel second = create(DEVICE);

    assertThatThrownBy(() -> tunnels.claim(DEVICE, second.tunnel().id(), first.token().value()))
        .isInstanceOf(ApiException.class);
  }

  @Test
  void expiredTokenIsRejected() {
    TerminalTunnels.NewTunnel created = create(DEVICE);

    clock.advance(Duration.ofSeconds(16));

    assertThatThrownBy(() -> tunnels.claim(DEVICE, created.tunnel().id(), created.token().value()))
        .isInstanceOf(ApiException.class);
  }

  @Test
  void tokenHasPrefixAndRandomPart() {
    TerminalTunnels.NewTunnel created = create(DEVICE);

    assertThat(created.token().value()).startsWith("slt_").hasSize(4 + 43);
    assertThat(created.tunnel().id()).startsWith("tun_").hasSize(4 + 20);
  }

  @Test
  void deviceLimitRejectsOneMore() {
    for (int i = 0; i < TerminalTunnels.MAX_PER_DEVICE; i++) {
      create(DEVICE);
    }

    assertThatThrownBy(() -> create(DEVICE))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("TERMINAL_LIMIT_REACHED"));
    assertThat(create(OTHER_DEVICE)).isNotNull();
  }

  @Test
  void endedSessionFreesItsTunnel() {
    AtomicReference<TerminalEnd> ended = new AtomicReference<>();
    TerminalTunnels.NewTunnel created = tunnels.create(DEVICE, new DiscardingUser(), ended::set);

    created.tunnel().bridge().close("test over");

    assertThat(tunnels.openCount()).isZero();
    assertThat(ended.get().reason()).isEqualTo("test over");
  }

  private TerminalTunnels.NewTunnel create(String device) {
    return tunnels.create(device, new DiscardingUser(), end -> {});
  }

  private static ControlProperties properties() {
    return new ControlProperties(
        true,
        "embedded",
        new ControlProperties.Embedded("127.0.0.1", -1, "127.0.0.1", -1, "/mqtt", null, null),
        new ControlProperties.External(null, null, null, null),
        null,
        Duration.ofSeconds(30),
        new ControlProperties.Terminal(Duration.ofMinutes(30), Duration.ofSeconds(15)),
        new ControlProperties.Ssh(-1, "127.0.0.1"));
  }

  /** A user's side that drops what it gets; these tests look only at the tunnels. */
  private static final class DiscardingUser implements TerminalUser {

    @Override
    public String clientAddress() {
      return null;
    }

    @Override
    public void output(byte[] bytes) {}

    @Override
    public void end(TerminalEnd end) {}
  }

  /** A clock that tests move forward by hand. */
  private static final class MovableClock extends Clock {

    private volatile Instant now = Instant.parse("2026-12-05T10:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
