package io.slipway.builder.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.TextMangler;
import io.slipway.builder.platform.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cut and spliced Dockerfiles: parsing and scoping either succeed or raise {@link
 * BuildInputException}, never another exception that would reach the user as a crash.
 */
class MalformedDockerfileTest {

  private static final String SOURCE =
      """
      # syntax=docker/dockerfile:1
      ARG BASE=alpine:3.20
      FROM --platform=$BUILDPLATFORM ${BASE} AS build
      ENV A="x y" B=${A:-z} C=${A:+w}
      RUN <<EOF sh
      echo "$A"
      EOF
      COPY --from=build --chown=1:1 ["a b", "/c/"]
      LABEL k='v' \\
            j="$B"
      HEALTHCHECK --interval=5s CMD ["true"]
      ONBUILD RUN echo hi
      FROM scratch
      COPY --from=build /out /out
      """;

  private static final String PIECES = "${}:-+?\"'`\\[]<<-EOF\n#=$ AS --from=";

  @Test
  void raisesOnlyInputErrorsOnMangledText() {
    Random random = new Random(4);
    List<String> unexpected = new ArrayList<>();

    for (int round = 0; round < 3000; round++) {
      String text = TextMangler.mangle(SOURCE, PIECES, random);
      try {
        Dockerfile dockerfile = DockerfileParser.parse(text, "Dockerfile");
        VariableScope scope = VariableScope.of(dockerfile, Map.of(), Platform.LINUX_ARM64);
        scope.dependencyChain(null);
      } catch (BuildInputException expected) {
        // The input is at fault and the message names where.
      } catch (RuntimeException crash) {
        unexpected.add(crash + " for:\n" + text);
      }
    }

    assertThat(unexpected).isEmpty();
  }
}
