package io.slipway.builder.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineOutputTest {

  private final List<String> lines = new ArrayList<>();
  private final EngineOutput output = new EngineOutput(lines::add, 2);

  @Test
  void joinsFragmentsIntoLines() {
    output.text("Step 1/2 : FR");
    output.text("OM base\n ---> abc\nStep 2");

    assertThat(lines).containsExactly("Step 1/2 : FROM base", " ---> abc");
  }

  @Test
  void flushPassesOnAnUnfinishedLine() {
    output.text("no line break");
    output.flush();

    assertThat(lines).containsExactly("no line break");
  }

  @Test
  void dropsCarriageReturnsAndBlankLines() {
    output.text("progress\r\n\n   \nnext\n");

    assertThat(lines).containsExactly("progress", "next");
  }

  @Test
  void wholeLineComesAfterAWaitingFragment() {
    output.text("half");
    output.line("ERROR: failed");

    assertThat(lines).containsExactly("half", "ERROR: failed");
  }

  @Test
  void messageWithLineBreaksBecomesSeveralLines() {
    output.line("\nWARNING: platform differs.\nPlease notify the author.");

    assertThat(lines).containsExactly("WARNING: platform differs.", "Please notify the author.");
  }

  @Test
  void tailKeepsTheLastLines() {
    output.text("one\ntwo\nthree\n");

    assertThat(output.tail()).containsExactly("two", "three");
  }
}
