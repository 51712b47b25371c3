package io.slipway.builder.engine.jib;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImagePathsTest {

  @Test
  void relativePathJoinsTheWorkingDirectory() {
    assertThat(ImagePaths.absolute("conf/app.yml", "/srv/app")).isEqualTo("/srv/app/conf/app.yml");
  }

  @Test
  void dotDotStopsAtTheRoot() {
    assertThat(ImagePaths.absolute("../../../etc", "/srv")).isEqualTo("/etc");
  }

  @Test
  void dotIsTheWorkingDirectory() {
    assertThat(ImagePaths.absolute("./", "/app")).isEqualTo("/app");
  }

  @Test
  void relativeDropsLeadingSlashAndDot() {
    assertThat(ImagePaths.relative("/./bin/sh")).isEqualTo("bin/sh");
  }
}
