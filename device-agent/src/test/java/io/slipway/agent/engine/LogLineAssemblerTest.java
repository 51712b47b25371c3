package io.slipway.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.agent.client.LogLine;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogLineAssemblerTest {

  private static final String T1 = "2026-01-02T03:04:05.123456789Z";
  private static final String T2 = "2026-01-02T03:04:06Z";

  private final List<LogLine> lines = new ArrayList<>();
  private final LogLineAssembler assembler = new LogLineAssembler("app", true, lines::add);

  @Test
  void frameWithTimestampGivesOneLine() {
    assembler.accept(frame(T1 + " hello world\n"));

    assertThat(lines).containsExactly(new LogLine(Instant.parse(T1), "app", "hello world", true));
  }

  @Test
  void partialFramesJoinIntoOneLine() {
    assembler.accept(frame(T1 + " first half, "));
    assembler.accept(frame("second half\n"));

    assertThat(lines)
        .containsExactly(new LogLine(Instant.parse(T1), "app", "first half, second half", true));
  }

  @Test
  void carriageReturnIsDropped() {
    assembler.accept(frame(T1 + " windows\r\n"));

    assertThat(lines).extracting(LogLine::message).containsExactly("windows");
  }

  @Test
  void severalLinesInOneFrameAreSplit() {
    assembler.accept(frame(T1 + " a\nb\n"));

    assertThat(lines).extracting(LogLine::message).containsExactly("a", "b");
  }

  @Test
  void overlongLineIsCut() {
    String longText = "x".repeat(LogLineAssembler.MAX_LINE_CHARS + 10);

    assembler.accept(frame(T1 + " " + longText));

    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).message()).hasSize(LogLineAssembler.MAX_LINE_CHARS);
  }

  @Test
  void frameWithoutTimestampKeepsText() {
    assembler.accept(frame("no-timestamp here\n"));

    assertThat(lines).extracting(LogLine::message).containsExactly("no-timestamp here");
  }

  @Test
  void timestampSplitAtAnyOffsetIsStripped() {
    String line = T1 + " split message\n";
    for (int offset = 1; offset <= T1.length() + 1; offset++) {
      lines.clear();

      assembler.accept(frame(line.substring(0, offset)));
      assembler.accept(frame(line.substring(offset)));

      assertThat(lines)
          .as("split at offset %d", offset)
          .containsExactly(new LogLine(Instant.parse(T1), "app", "split message", true));
    }
  }

  @Test
  void secondLineSplitTimestampIsStripped() {
    String text = T1 + " one\n" + T2 + " two\n";
    int cut = text.indexOf(T2) + 7;

    assembler.accept(frame(text.substring(0, cut)));
    assembler.accept(frame(text.substring(cut)));

    assertThat(lines)
        .containsExactly(
            new LogLine(Instant.parse(T1), "app", "one", true),
            new LogLine(Instant.parse(T2), "app", "two", true));
  }

  private static byte[] frame(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
