package io.slipway.agent.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A host shell bridged to a real WebSocket server, as the server's terminal tunnel would be. */
@EnabledOnOs(OS.LINUX)
class TerminalSessionIT {

  private static final String PATH = "/device/v1/0123abcd/terminals/tun_1";

  @TempDir Path directory;

  private TunnelServer server;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void startServer() throws Exception {
    server = TunnelServer.start(directory);
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  @Test
  void dialSendsKeyAndToken() throws Exception {
    try (TerminalSession session = open()) {
      assertThat(server.headers).containsEntry("authorization", "Bearer sld_key");
      assertThat(server.headers).containsEntry("x-slipway-terminal-token", "slt_token");
    }
  }

  @Test
  void shellOutputAndExitCodeArrive() throws Exception {
    try (TerminalSession session = open()) {
      server.type("echo h''i; exit 3\n");

      assertThat(server.awaitOutput("hi\r\n")).contains("hi\r\n");
      assertThat(server.awaitText("exit")).contains("{\"type\":\"exit\",\"code\":3}");
      assertThat(server.awaitClosed()).as("closed after the exit").isTrue();
    }
  }

  @Test
  void resizeMessageReachesShell() throws Exception {
    try (TerminalSession session = open()) {
      server.control("{\"type\":\"resize\",\"cols\":120,\"rows\":40}");
      server.type("echo size=$(stty size)\n");

      assertThat(server.awaitOutput("size=40 120")).contains("size=40 120");
    }
  }

  @Test
  void unreachableTunnelClosesTerminal() {
    HostShell shell = HostShell.start(List.of("/bin/sh", "-l"), 80, 24);
    URI nowhere = URI.create("ws://127.0.0.1:1" + PATH);

    assertThatThrownBy(
            () ->
                TerminalSession.open(
                    client, nowhere, "sld_key", "slt_token", shell, "test", Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(nowhere.toString());
  }

  private TerminalSession open() {
    HostShell shell = HostShell.start(List.of("/bin/sh", "-l"), 80, 24);
    URI tunnel = TerminalSession.tunnelUri(server.uri(), PATH);
    return TerminalSession.open(
        client, tunnel, "sld_key", "slt_token", shell, "test", Duration.ofSeconds(10));
  }
}
