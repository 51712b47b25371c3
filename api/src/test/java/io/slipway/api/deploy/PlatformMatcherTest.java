package io.slipway.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.platform.Platform;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PlatformMatcherTest {

  private static final Function<Platform, Platform> SELF = platform -> platform;

  @Test
  void exactPlatformMatches() {
    assertThat(choose("linux/amd64", "linux/arm64", "linux/amd64")).hasValue(p("linux/amd64"));
  }

  @Test
  void arm64MatchesWithOrWithoutV8() {
    assertThat(choose("linux/arm64", "linux/arm64/v8")).hasValue(p("linux/arm64/v8"));
    assertThat(choose("linux/arm64/v8", "linux/arm64")).hasValue(p("linux/arm64"));
  }

  @Test
  void armV7PrefersV7OverV6() {
    assertThat(choose("linux/arm/v7", "linux/arm/v6", "linux/arm/v7")).hasValue(p("linux/arm/v7"));
  }

  @Test
  void armV7FallsBackToV6() {
    assertThat(choose("linux/arm/v7", "linux/amd64", "linux/arm/v6")).hasValue(p("linux/arm/v6"));
  }

  @Test
  void armV6DoesNotRunV7() {
    assertThat(choose("linux/arm/v6", "linux/arm/v7")).isEmpty();
  }

  @Test
  void otherArchitectureOrOsDoesNotMatch() {
    assertThat(choose("linux/arm64", "linux/amd64", "linux/arm/v7")).isEmpty();
    assertThat(choose("linux/amd64", "windows/amd64")).isEmpty();
  }

  @Test
  void platformsAreDescribedInOrder() {
    assertThat(PlatformMatcher.describe(List.of(p("linux/amd64"), p("linux/arm/v7")), SELF))
        .containsExactly("linux/amd64", "linux/arm/v7");
  }

  private static java.util.Optional<Platform> choose(String wanted, String... offered) {
    List<Platform> platforms = java.util.Arrays.stream(offered).map(Platform::parse).toList();
    return PlatformMatcher.choose(Platform.parse(wanted), platforms, SELF);
  }

  private static Platform p(String text) {
    return Platform.parse(text);
  }
}
