package io.slipway.agent.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class TerminalSessionTest {

  @Test
  void httpsEndpointBecomesWss() {
    assertThat(
            TerminalSession.tunnelUri(
                URI.create("https://slipway.example"), "/device/v1/u/terminals/t1"))
        .isEqualTo(URI.create("wss://slipway.example/device/v1/u/terminals/t1"));
  }

  @Test
  void httpEndpointKeepsPathPrefix() {
    assertThat(
            TerminalSession.tunnelUri(
                URI.create("http://127.0.0.1:8080/slipway/"), "/device/v1/u/terminals/t1"))
        .isEqualTo(URI.create("ws://127.0.0.1:8080/slipway/device/v1/u/terminals/t1"));
  }

  @Test
  void otherHostInPathIsRejected() {
    assertThatThrownBy(
            () ->
                TerminalSession.tunnelUri(
                    URI.create("https://slipway.example"), "//evil.example/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'//evil.example/x'");
  }

  @Test
  void resizeMessageIsRead() {
    assertThat(TerminalMessages.resize("{\"type\":\"resize\",\"cols\":120,\"rows\":40}"))
        .isEqualTo(new TerminalMessages.Size(120, 40));
    assertThat(TerminalMessages.resize("{\"type\":\"ping\"}")).isNull();
  }

  @Test
  void exitMessageMatchesContract() {
    assertThat(TerminalMessages.exit(3)).isEqualTo("{\"type\":\"exit\",\"code\":3}");
  }
}
