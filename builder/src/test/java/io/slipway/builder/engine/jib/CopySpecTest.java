package io.slipway.builder.engine.jib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.dockerfile.Dockerfile;
import io.slipway.builder.dockerfile.DockerfileParser;
import io.slipway.builder.dockerfile.VariableScope;
import io.slipway.builder.platform.Platform;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CopySpecTest {

  /** Reads the first instruction after FROM of a one-stage Dockerfile. */
  private static CopySpec spec(String instruction) {
    Dockerfile dockerfile =
        DockerfileParser.parse("FROM scratch\nARG DIR=/opt\n" + instruction + "\n", "Dockerfile");
    VariableScope scope = VariableScope.of(dockerfile, Map.of(), Platform.LINUX_ARM64);
    return CopySpec.of(
        dockerfile.stages().get(0).instructions().get(1), scope, "Dockerfile", dockerfile.escape());
  }

  @Test
  void variablesExpandInTheDestination() {
    assertThat(spec("COPY a.txt ${DIR}/").destination()).isEqualTo("/opt/");
  }

  @Test
  void execFormKeepsSpaces() {
    assertThat(spec("COPY [\"my file.txt\", \"/srv/\"]").sources()).containsExactly("my file.txt");
  }

  @Test
  void numericChownGetsItsGroup() {
    assertThat(spec("COPY --chown=1000 a.txt /srv/").ownership()).isEqualTo("1000:1000");
  }

  @Test
  void rootChownIsZero() {
    assertThat(spec("COPY --chown=root:root a.txt /srv/").ownership()).isEqualTo("0:0");
  }

  @Test
  void chmodIsOctal() {
    assertThat(spec("COPY --chmod=0750 a.txt /srv/").mode()).isEqualTo(0750);
  }

  @Test
  void symbolicChmodIsRejected() {
    assertThatThrownBy(() -> spec("COPY --chmod=u+x a.txt /srv/"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("Dockerfile:3");
  }

  @Test
  void setuidChmodIsRejected() {
    assertThatThrownBy(() -> spec("COPY --chmod=4755 a.txt /srv/"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("setuid");
  }

  @Test
  void singleSourceWithoutSlashIsAFile() {
    assertThat(spec("COPY a.txt /srv/a.txt").destinationIsDirectory()).isFalse();
  }

  @Test
  void twoSourcesMakeADirectory() {
    assertThat(spec("COPY a.txt b.txt /srv").destinationIsDirectory()).isTrue();
  }
}
