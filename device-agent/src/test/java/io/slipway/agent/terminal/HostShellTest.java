package io.slipway.agent.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs real shells in real pseudo-terminals, through util-linux's setsid and through busybox's,
 * which small device images use.
 */
@EnabledOnOs(OS.LINUX)
class HostShellTest {

  private static final Path BUSYBOX = Path.of("/bin/busybox");

  @TempDir Path directory;

  static Stream<Arguments> shells() {
    Stream<Arguments> host =
        Stream.of(Arguments.of("util-linux", List.of("setsid"), List.of("/bin/sh", "-l")));
    if (!Files.isExecutable(BUSYBOX)) {
      return host;
    }
    Arguments busybox =
        Arguments.of(
            "busybox",
            List.of(BUSYBOX.toString(), "setsid"),
            List.of(BUSYBOX.toString(), "sh", "-l"));
    return Stream.concat(host, Stream.of(busybox));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shells")
  void shellOutputAndExitCodeArrive(String name, List<String> setsid, List<String> shell)
      throws Exception {
    try (HostShell terminal = HostShell.start(setsid, shell, 80, 24)) {
      TerminalOutput output = new TerminalOutput(terminal);

      type(terminal, "echo h''i; exit 3\n");

      assertThat(output.await("hi\r\n")).contains("hi\r\n");
      assertThat(terminal.waitFor()).isEqualTo(3);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shells")
  void resizeReachesStty(String name, List<String> setsid, List<String> shell) throws Exception {
    try (HostShell terminal = HostShell.start(setsid, shell, 80, 24)) {
      TerminalOutput output = new TerminalOutput(terminal);

      terminal.resize(120, 40);
      type(terminal, "echo size=$(stty size)\n");

      assertThat(output.await("size=40 120")).contains("size=40 120");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shells")
  void ctrlCInterruptsForegroundSleep(String name, List<String> setsid, List<String> shell)
      throws Exception {
    // A length no other process in this test run sleeps for, so that /proc finds this one.
    String seconds = String.valueOf(100 + ProcessHandle.current().pid() % 1000);
    try (HostShell terminal = HostShell.start(setsid, shell, 80, 24)) {
      TerminalOutput output = new TerminalOutput(terminal);

      type(terminal, "sleep " + seconds + "\n");
      assertThat(awaitSleep(seconds, true)).as("the sleep started").isTrue();
      terminal.write(new byte[] {0x03}, 1);

      assertThat(awaitSleep(seconds, false)).as("the sleep ended").isTrue();
      type(terminal, "echo status=$?\n");
      assertThat(output.await("status=130")).contains("status=130");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shells")
  void closeEndsTheShell(String name, List<String> setsid, List<String> shell) throws Exception {
    HostShell terminal = HostShell.start(setsid, shell, 80, 24);
    TerminalOutput output = new TerminalOutput(terminal);

    terminal.close();

    output.awaitEnd();
    assertThat(terminal.waitFor()).isNotZero();
  }

  @Test
  void missingSetsidFailsClearly() {
    Path missing = directory.resolve("no-such-setsid");

    assertThatThrownBy(
            () -> HostShell.start(List.of(missing.toString()), List.of("/bin/sh"), 80, 24))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("setsid");
  }

  private static void type(Terminal terminal, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    terminal.write(bytes, bytes.length);
  }

  /**
   * Polls /proc for up to 20 seconds until a process runs {@code sleep SECONDS}, or until none
   * does.
   */
  private static boolean awaitSleep(String seconds, boolean running)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (sleepRuns(seconds) == running) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private static boolean sleepRuns(String seconds) throws IOException {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      return processes.anyMatch(process -> runsSleep(process, seconds));
    }
  }

  private static boolean runsSleep(Path process, String seconds) {
    try {
      String commandLine =
          new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
      return commandLine.endsWith("sleep\0" + seconds + "\0");
    } catch (IOException | RuntimeException e) {
      // The process ended, or the entry is no process.
      return false;
    }
  }
}
