package io.slipway.builder.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.TextMangler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Compose files cut and spliced at random: the reader raises only {@link BuildInputException}. */
class MalformedComposeFileTest {

  private static final String SOURCE =
      """
      version: "2.4"
      x-base: &base
        restart: always
        environment: [A=1, B]
      services:
        web:
          <<: *base
          build:
            context: ./web
            dockerfile: Dockerfile.custom
            args: {X: 1, Y: null}
          ports: ["80:80"]
          labels:
            io.balena.features.dbus: '1'
        db:
          image: postgres:16
          volumes: [data:/var/lib/postgresql/data]
      volumes:
        data: {}
      """;

  private static final String PIECES = "&*<<:-[]{}\"'\n #!|>";

  @Test
  void raisesOnlyInputErrorsOnMangledText() {
    Random random = new Random(7);
    List<String> unexpected = new ArrayList<>();

    for (int round = 0; round < 3000; round++) {
      String text = TextMangler.mangle(SOURCE, PIECES, random);
      try {
        ComposeFile.parse(text, "docker-compose.yml");
      } catch (BuildInputException expected) {
        // The input is at fault and the message names where.
      } catch (RuntimeException | StackOverflowError crash) {
        unexpected.add(crash + " for:\n" + text);
      }
    }

    assertThat(unexpected).isEmpty();
  }

  @Test
  void rejectsARecursiveAlias() {
    String text = "services:\n  web:\n    image: a\n    command: &loop [x, *loop]\n";

    assertThatThrownBy(() -> ComposeFile.parse(text, "docker-compose.yml"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("refers to itself");
  }
}
