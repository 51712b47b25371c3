package io.slipway.builder.engine.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.slipway.builder.engine.buildkit.api.StatusResponse;
import io.slipway.builder.engine.buildkit.api.Vertex;
import io.slipway.builder.engine.buildkit.api.VertexLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPrinterTest {

  private final List<String> lines = new ArrayList<>();
  private final StatusPrinter printer = new StatusPrinter(lines::add, "s3cr3t");

  @Test
  void numbersStepsAndTimesThem() {
    printer.print(status(vertex("sha256:a", "[1/2] RUN make").setStarted(at(10, 0))));
    printer.print(
        status(vertex("sha256:a", "[1/2] RUN make").setStarted(at(10, 0)).setCompleted(at(11, 5))));
    printer.print(status(vertex("sha256:b", "[2/2] COPY . /").setCached(true)));

    assertThat(lines)
        .containsExactly("#1 [1/2] RUN make", "#1 DONE 1.5s", "#2 [2/2] COPY . /", "#2 CACHED");
  }

  @Test
  void splitsOutputIntoLines() {
    printer.print(status(vertex("sha256:a", "RUN echo").setStarted(at(1, 0))));
    printer.print(output("sha256:a", "one\ntw"));
    printer.print(output("sha256:a", "o\r\nthree"));
    printer.flush();

    assertThat(lines).containsExactly("#1 RUN echo", "#1 one", "#1 two", "#1 three");
  }

  @Test
  void reportsStepErrorOnce() {
    Vertex.Builder failed = vertex("sha256:a", "RUN false").setStarted(at(1, 0));
    failed.setError("exit code: 1").setCompleted(at(2, 0));
    printer.print(status(failed));
    printer.print(status(failed));

    assertThat(lines).containsExactly("#1 RUN false", "#1 ERROR: exit code: 1");
  }

  @Test
  void hidesTheSecret() {
    printer.print(status(vertex("sha256:a", "load git source http://h/ctx/s3cr3t.git")));
    printer.print(status(vertex("sha256:a", "x").setStarted(at(1, 0))));

    assertThat(lines).containsExactly("#1 x");
    printer.print(output("sha256:a", "From http://h/ctx/s3cr3t\n"));
    assertThat(lines).last().isEqualTo("#1 From http://h/ctx/<secret>");
  }

  @Test
  void keepsTheLastLines() {
    printer.print(status(vertex("sha256:a", "RUN seq").setStarted(at(1, 0))));
    StringBuilder many = new StringBuilder();
    for (int i = 1; i <= 30; i++) {
      many.append(i).append('\n');
    }
    printer.print(output("sha256:a", many.toString()));

    assertThat(printer.tail()).hasSize(StatusPrinter.TAIL_LINES);
    assertThat(printer.tail()).last().isEqualTo("#1 30");
  }

  private static Vertex.Builder vertex(String digest, String name) {
    return Vertex.newBuilder().setDigest(digest).setName(name);
  }

  private static StatusResponse status(Vertex.Builder vertex) {
    return StatusResponse.newBuilder().addVertexes(vertex).build();
  }

  private static StatusResponse output(String vertex, String text) {
    VertexLog log =
        VertexLog.newBuilder()
            .setVertex(vertex)
            .setStream(1)
            .setMsg(ByteString.copyFrom(text, StandardCharsets.UTF_8))
            .build();
    return StatusResponse.newBuilder().addLogs(log).build();
  }

  private static Timestamp at(long seconds, int tenths) {
    return Timestamp.newBuilder().setSeconds(seconds).setNanos(tenths * 100_000_000).build();
  }
}
