package io.slipway.builder.engine.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import org.junit.jupiter.api.Test;

class BaseImagesTest {

  private static final String AMD64 = "127.0.0.1:5000/acme/base@sha256:" + "a".repeat(64);
  private static final String ARM64 = "127.0.0.1:5000/acme/base@sha256:" + "b".repeat(64);

  @Test
  void listsPinnedImagesOnce() {
    String dockerfile =
        String.join(
            "\n",
            "FROM --platform=linux/amd64 " + AMD64 + " AS build",
            "RUN make",
            "from " + ARM64,
            "COPY --from=build /out /",
            "FROM " + AMD64);

    assertThat(BaseImages.pinned("Dockerfile", dockerfile)).containsExactly(AMD64, ARM64);
  }

  @Test
  void skipsStagesAndScratch() {
    String dockerfile =
        String.join("\n", "FROM " + AMD64 + " AS Build", "FROM build", "FROM scratch");

    assertThat(BaseImages.pinned("Dockerfile", dockerfile)).containsExactly(AMD64);
  }

  @Test
  void joinsContinuationLines() {
    String dockerfile = "FROM \\\n  " + AMD64 + "\nRUN true";

    assertThat(BaseImages.pinned("Dockerfile", dockerfile)).containsExactly(AMD64);
  }

  @Test
  void rejectsUnpinnedImage() {
    String dockerfile = "RUN true\nFROM busybox:latest";

    assertThatThrownBy(() -> BaseImages.pinned("web/Dockerfile", dockerfile))
        .isInstanceOf(BuildInputException.class)
        .hasMessageStartingWith("web/Dockerfile:2: FROM busybox:latest is not pinned");
  }
}
