package io.slipway.builder.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

  @Test
  void putsAnUnqualifiedNameInTheDefaultRegistry() {
    assertThat(ImageReference.parse("acme/base:1.0", "127.0.0.1:5000"))
        .hasToString("127.0.0.1:5000/acme/base:1.0");
  }

  @Test
  void addsLatestWithoutTagOrDigest() {
    assertThat(ImageReference.parse("busybox", "r:1").tag()).isEqualTo("latest");
  }

  @Test
  void keepsAHostWithADotOrPort() {
    assertThat(ImageReference.parse("ghcr.io/acme/app:2", "r:1").registry()).isEqualTo("ghcr.io");
    assertThat(ImageReference.parse("localhost/app", "r:1").registry()).isEqualTo("localhost");
  }

  @Test
  void readsADigest() {
    String digest = "sha256:" + "a".repeat(64);

    ImageReference reference = ImageReference.parse("h:5/app@" + digest, "r:1");

    assertThat(reference.digest()).isEqualTo(digest);
    assertThat(reference.tag()).isNull();
  }

  @Test
  void rejectsUpperCaseRepositories() {
    assertThatThrownBy(() -> ImageReference.parse("Acme/App", "r:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Acme/App'");
  }
}
