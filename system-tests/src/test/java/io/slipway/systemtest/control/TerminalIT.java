package io.slipway.systemtest.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.systemtest.agent.Poll;
import io.slipway.systemtest.agent.ServiceContainers;
import io.slipway.systemtest.builder.BuildApi.Reply;
import io.slipway.systemtest.process.ExternalCommand;
import io.slipway.systemtest.server.ServerOptions;
import io.slipway.testing.image.BusyboxImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Terminal sessions from real clients to the real agent. OpenSSH's {@code ssh -tt} goes through the
 * server's SSH gateway with a key the operator registered through the API, and {@code slipway ssh}
 * through the WebSocket. Both reach the agent's host shell, and {@code ssh} also a shell inside the
 * service's container, which runs on the Docker engine. The tests type into the clients' standard
 * input and read what they print, as a person at a terminal would. The audit log must show the
 * sessions. Needs a running Docker engine; fails, never skips, without one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TerminalIT {

  private static final String SERVICE = "web";
  private static final String OPERATOR = "olga";
  private static final Duration ANSWER = Duration.ofSeconds(30);

  private static ControlServer server;
  private static ControlDevice device;
  private static String uuid;
  private static ServiceContainers services;
  private static String operatorToken;
  private static Path sshKey;
  private static int sshPort;

  @BeforeAll
  static void startServerAndDevice() throws Exception {
    server = ControlServer.startWithRelease("TerminalIT", SERVICE);
    operatorToken = server.memberToken(OPERATOR, "operator");
    sshKey = registerSshKey(server.stack().directory("ssh"));
    sshPort =
        server.sshPort().orElseThrow(() -> new AssertionError("No ssh.port\n" + server.logTail()));

    device =
        server.startDevice("first", List.of("--poll-interval", "1s", "--report-interval", "1s"));
    uuid = device.uuid();
    services = device.containers();
    ControlApi operator = server.withToken(operatorToken);
    Poll.until(
        ANSWER.multipliedBy(2),
        "service " + SERVICE + " to run and the device to connect",
        () -> {
          device.requireRunning();
          boolean running = services.runningVariant(SERVICE).isPresent();
          return Optional.of(running && operator.connected(uuid)).filter(ready -> ready);
        },
        TerminalIT::diagnosis);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static String diagnosis() {
    return server.diagnosis(device);
  }

  /**
   * Generates an ed25519 key pair with {@code ssh-keygen} and registers its public half for the
   * operator, as {@code POST /api/v1/user/ssh-keys} does for a person.
   */
  private static Path registerSshKey(Path directory) throws Exception {
    Path key = directory.resolve("id_ed25519");
    Files.deleteIfExists(key);
    Files.deleteIfExists(directory.resolve("id_ed25519.pub"));
    ExternalCommand.of(
            "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "olga@test", "-f", key.toString())
        .run()
        .assertSucceeded();
    String publicKey =
        Files.readString(directory.resolve("id_ed25519.pub"), StandardCharsets.UTF_8).strip();

    Reply added =
        server
            .withToken(operatorToken)
            .send(
                "POST",
                "/api/v1/user/ssh-keys",
                "{\"name\":\"laptop\",\"publicKey\":\"" + publicKey + "\"}");
    assertThat(added.status()).as(added.text()).isEqualTo(201);
    return key;
  }

  /** Starts {@code ssh -tt} through the gateway to {@code target}: the device, and a service. */
  private static TerminalClient ssh(String... target) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/ssh",
                "-tt",
                "-F",
                "/dev/null",
                "-i",
                sshKey.toString(),
                "-p",
                String.valueOf(sshPort),
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "BatchMode=yes",
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "LogLevel=ERROR",
                OPERATOR + "@127.0.0.1"));
    command.addAll(List.of(target));
    return TerminalClient.start(command, Map.of());
  }

  /** Returns the {@code sleep 100} processes that descend from the agent, such as its shell's. */
  private static Set<Long> sleepsUnderAgent() {
    return ProcessHandle.of(device.pid()).stream()
        .flatMap(ProcessHandle::descendants)
        .filter(p -> p.info().commandLine().orElse("").endsWith("sleep 100"))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  @Test
  @Order(1)
  void sshReachesTheHostShell() {
    try (TerminalClient session = ssh(uuid)) {
      session.type("echo $((6*7))\n");
      session.awaitLine("42", ANSWER);

      session.type("exit 5\n");

      assertThat(session.awaitExit()).as(session.output()).isEqualTo(5);
    }
  }

  @Test
  @Order(2)
  void ctrlCInterruptsTheForegroundCommand() {
    try (TerminalClient session = ssh(uuid)) {
      session.type("echo started-$((2+3)); sleep 100\n");
      session.awaitLine("started-5", ANSWER);
      Set<Long> sleeps =
          Poll.until(
              ANSWER,
              "sleep 100 to run under the agent",
              () -> Optional.of(sleepsUnderAgent()).filter(found -> !found.isEmpty()),
              session::output);

      session.interrupt();

      Poll.until(
          ANSWER,
          "sleep " + sleeps + " to end on SIGINT",
          () ->
              Optional.of(sleepsUnderAgent())
                  .filter(found -> found.stream().noneMatch(sleeps::contains)),
          session::output);
      session.type("echo back-$((3+4))\n");
      session.awaitLine("back-7", ANSWER);
      session.type("exit\n");
      assertThat(session.awaitExit()).as(session.output()).isZero();
    }
  }

  @Test
  @Order(3)
  void serviceShellRunsInItsContainer() {
    assertThat(Path.of(BusyboxImages.VARIANT_FILE))
        .as("only the service's image has it")
        .doesNotExist();

    try (TerminalClient session = ssh(uuid, SERVICE)) {
      // The variant file ends without a newline, so the output is wrapped to be a line of its own.
      session.type("echo \"variant=$(cat " + BusyboxImages.VARIANT_FILE + ")\"\n");
      session.awaitLine("variant=release one", ANSWER);

      session.type("exit 3\n");

      assertThat(session.awaitExit()).as(session.output()).isEqualTo(3);
    }
  }

  @Test
  @Order(4)
  void slipwaySshWorksWithPipedInput() {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            System.getProperty(ServerOptions.CLI_JAR_PROPERTY),
            "ssh",
            "--server",
            server.stack().server().baseUrl().toString(),
            uuid);
    Map<String, String> environment =
        Map.of(
            "SLIPWAY_TOKEN",
            operatorToken,
            "XDG_CONFIG_HOME",
            server.stack().directory("cli-config").toString());

    try (TerminalClient session = TerminalClient.start(command, environment)) {
      session.type("echo $((6*7))\n");
      session.awaitLine("42", ANSWER);

      session.type("exit 4\n");

      assertThat(session.awaitExit()).as(session.output()).isEqualTo(4);
    }
  }

  @Test
  @Order(5)
  void auditLogRecordsEverySession() {
    ControlApi owner = server.admin();

    List<JsonNode> terminalEntries =
        Poll.until(
            ANSWER,
            "the audit log to record the four sessions' ends",
            () -> {
              List<JsonNode> entries = new ArrayList<>();
              owner.auditLog().forEach(entries::add);
              long closed =
                  entries.stream()
                      .filter(e -> e.path("action").asText().equals("terminal.closed"))
                      .count();
              return Optional.of(entries).filter(all -> closed >= 4);
            },
            () -> owner.auditLog().toString());

    assertThat(terminalEntries)
        .filteredOn(e -> e.path("action").asText().equals("terminal.opened"))
        .hasSizeGreaterThanOrEqualTo(4)
        .allSatisfy(e -> assertThat(e.path("actor").asText()).isEqualTo(OPERATOR));
  }
}
