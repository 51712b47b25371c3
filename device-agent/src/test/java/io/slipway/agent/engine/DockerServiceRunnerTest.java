package io.slipway.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.LogLine;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner against an engine socket that does not exist, as on a device whose engine is down. */
class DockerServiceRunnerTest {

  private static final String UUID = "0123456789abcdef0123456789abcdef";

  @TempDir Path dataDir;

  @Test
  void engineMessageOnSeveralLinesBecomesOneLine() {
    String message = "Status 400: {\"message\":\"invalid mount\"}\n\n  at bind 2\r\n";

    assertThat(DockerServiceRunner.oneLine(message))
        .isEqualTo("Status 400: {\"message\":\"invalid mount\"} at bind 2");
  }

  @Test
  void statusWithoutEngineFailsAsEngineFailed() {
    try (DockerServiceRunner runner = runnerWithoutEngine()) {
      assertThatThrownBy(runner::status)
          .isInstanceOf(AgentException.class)
          .hasMessageContaining("listing the containers")
          .extracting(e -> ((AgentException) e).failure())
          .isEqualTo(AgentFailure.ENGINE_FAILED);
    }
  }

  @Test
  void followLogsWithoutEngineWaitsForIt() throws Exception {
    List<LogLine> lines = new CopyOnWriteArrayList<>();
    try (DockerServiceRunner runner = runnerWithoutEngine();
        AutoCloseable following = runner.followLogs(lines::add)) {
      assertThat(following).isNotNull();
    }
    assertThat(lines).isEmpty();
  }

  @Test
  void heldLocksReadsLockFiles() throws Exception {
    try (DockerServiceRunner runner = runnerWithoutEngine()) {
      Files.createDirectories(runner.lockDir("app"));
      Files.writeString(runner.lockDir("app").resolve(DockerServiceRunner.LOCK_FILE), "");

      assertThat(runner.heldLocks(java.util.Set.of("app", "db"))).containsExactly("app");
    }
  }

  @Test
  void lockDirRejectsPathLikeServiceName() {
    try (DockerServiceRunner runner = runnerWithoutEngine()) {
      assertThatThrownBy(() -> runner.lockDir("../etc"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'../etc' is invalid");
    }
  }

  @Test
  void httpHostIsRejected() {
    assertThatThrownBy(() -> DockerServiceRunner.client(URI.create("http://127.0.0.1:2375")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://127.0.0.1:2375");
  }

  private DockerServiceRunner runnerWithoutEngine() {
    URI socket = URI.create("unix://" + dataDir.resolve("missing.sock"));
    return DockerServiceRunner.connect(socket, UUID, dataDir, List.of());
  }
}
