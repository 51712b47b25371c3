package io.slipway.signing.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.intoto.Statement;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ImageStatementsTest {

  private static final String HEX = "0123456789abcdef".repeat(4);
  private static final String INDEX = "application/vnd.oci.image.index.v1+json";
  private static final Instant SIGNED_AT = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void namesRepositoryAndManifest() {
    Statement statement = ImageStatements.of("acme/gw/web", "sha256:" + HEX, INDEX, SIGNED_AT);

    assertThat(statement.predicateType()).isEqualTo(ImageStatements.PREDICATE_TYPE);
    assertThat(statement.subjects()).containsExactly(new Statement.Subject("acme/gw/web", HEX));
    assertThat(statement.predicate().path("repository").asString()).isEqualTo("acme/gw/web");
    assertThat(statement.predicate().path("mediaType").asString()).isEqualTo(INDEX);
    assertThat(statement.predicate().path("signedAt").asString()).isEqualTo("2026-03-01T12:00:00Z");
  }

  @Test
  void writesCanonicalJson() {
    Statement statement = ImageStatements.of("acme/gw/web", "sha256:" + HEX, INDEX, SIGNED_AT);

    assertThat(new String(statement.toJson(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{\"mediaType\":\""
                + INDEX
                + "\",\"repository\":\"acme/gw/web\",\"signedAt\":\"2026-03-01T12:00:00Z\"},"
                + "\"predicateType\":\"https://slipway.io/image/v1\",\"subject\":[{\"digest\":"
                + "{\"sha256\":\""
                + HEX
                + "\"},\"name\":\"acme/gw/web\"}]}");
  }

  @Test
  void rejectsBlankRepository() {
    assertThatThrownBy(() -> ImageStatements.of(" ", "sha256:" + HEX, INDEX, SIGNED_AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("repository");
  }

  @Test
  void rejectsMissingMediaType() {
    assertThatThrownBy(() -> ImageStatements.of("acme/gw/web", "sha256:" + HEX, null, SIGNED_AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("media type");
  }

  @Test
  void rejectsDigestWithoutAlgorithm() {
    assertThatThrownBy(() -> ImageStatements.of("acme/gw/web", HEX, INDEX, SIGNED_AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(HEX);
  }
}
