package io.slipway.api.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

  private static final String DIGEST = "sha256:" + "0f".repeat(32);

  @Test
  void splitsHostRepositoryAndDigest() {
    ImageReference image = ImageReference.parse("slipway.example:5000/acme/fleet/web@" + DIGEST);

    assertThat(image.registryHost()).isEqualTo("slipway.example:5000");
    assertThat(image.repository()).isEqualTo("acme/fleet/web");
    assertThat(image.digest()).isEqualTo(DIGEST);
  }

  @Test
  void acceptsABracketedAddress() {
    assertThat(ImageReference.parse("[::1]:8080/acme/fleet/web@" + DIGEST).registryHost())
        .isEqualTo("[::1]:8080");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "slipway.example/acme/fleet/web:latest",
        "slipway.example/acme/fleet/web@sha256:abc",
        "slipway.example/acme/web@sha256:0f0f",
        "acme/fleet/web@sha256:0f",
        "slipway.example/Acme/fleet/web@sha256:0f"
      })
  void refusesReferencesThatAreNotPinnedInAFleetRepository(String text) {
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
  }

  @Test
  void requiresTheRepositoryOfTheService() {
    ImageReference image = ImageReference.parse("registry.test/acme/fleet/web@" + DIGEST);

    assertThatThrownBy(() -> image.requireRepository("acme", "fleet", "api"))
        .hasMessageContaining("acme/fleet/api");
  }

  @Test
  void repositoryErrorSuggestsNoOtherRegistry() {
    ImageReference image = ImageReference.parse("registry.test/other/fleet/api@" + DIGEST);

    assertThatThrownBy(() -> image.requireRepository("acme", "fleet", "api"))
        .hasMessageNotContaining("registry.test/acme/fleet/api");
  }

  @Test
  void formErrorDoesNotClaimAMissingDigest() {
    String text = "registry.test/web@" + DIGEST;

    assertThatThrownBy(() -> ImageReference.parse(text))
        .hasMessageNotContaining("not pinned by digest")
        .hasMessageContaining("<org>/<fleet>/<service>@sha256:");
  }
}
