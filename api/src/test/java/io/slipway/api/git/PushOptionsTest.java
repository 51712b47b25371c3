package io.slipway.api.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PushOptionsTest {

  @Test
  void noOptionsMeansDefaults() {
    assertThat(PushOptions.parse(null)).isEqualTo(PushOptions.NONE);
    assertThat(PushOptions.parse(List.of())).isEqualTo(PushOptions.NONE);
  }

  @Test
  void everyKnownOptionIsRead() {
    PushOptions options =
        PushOptions.parse(List.of("version=1.2.3", "engine=docker", "nocache", "log=full"));

    assertThat(options).isEqualTo(new PushOptions("1.2.3", "docker", true, true));
  }

  @Test
  void laterLogOptionWins() {
    assertThat(PushOptions.parse(List.of("log=full", "log=summary")).fullLog()).isFalse();
  }

  @Test
  void unknownOptionsAreAllNamed() {
    assertThatThrownBy(() -> PushOptions.parse(List.of("colour=blue", "nocache", "fast")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'colour=blue', 'fast'")
        .hasMessageContaining(PushOptions.ACCEPTED);
  }

  @Test
  void unknownEngineIsRejected() {
    assertThatThrownBy(() -> PushOptions.parse(List.of("engine=kaniko")))
        .hasMessageContaining("'engine=kaniko'");
  }

  @Test
  void emptyVersionIsRejected() {
    assertThatThrownBy(() -> PushOptions.parse(List.of("version=")))
        .hasMessageContaining("'version='");
  }

  @Test
  void versionThatIsNotSemanticIsUnknown() {
    assertThatThrownBy(() -> PushOptions.parse(List.of("version=v1")))
        .hasMessageContaining("'version=v1'");
  }

  @Test
  void versionWithBuildMetadataIsUnknown() {
    assertThatThrownBy(() -> PushOptions.parse(List.of("version=1.2.0+b7")))
        .hasMessageContaining("'version=1.2.0+b7'");
  }
}
