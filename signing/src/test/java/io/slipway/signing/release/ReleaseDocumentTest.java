package io.slipway.signing.release;

import static io.slipway.signing.VerificationAssertions.assertFails;
import static io.slipway.signing.release.ReleaseFixtures.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.VerificationFailure;
import io.slipway.signing.intoto.Statement;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ReleaseDocumentTest {

  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);

  private final ReleaseDocument document =
      new ReleaseDocument(
          "acme/gateways",
          42,
          "2.1.0",
          7,
          Instant.parse("2026-03-01T10:15:30.789Z"),
          List.of(
              new ServiceImage("web", "acme/gateways/web", A),
              new ServiceImage("agent", "acme/gateways/agent", B)));

  @Test
  void canonicalJsonIsSortedAndCompact() {
    String json = new String(document.toJson(), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"_type\":\"https://slipway.io/release/v1\",\"createdAt\":\"2026-03-01T10:15:30Z\","
                + "\"fleet\":\"acme/gateways\",\"releaseId\":42,\"sequence\":7,\"services\":["
                + "{\"indexDigest\":\""
                + B
                + "\",\"name\":\"agent\",\"repository\":\"acme/gateways/agent\"},"
                + "{\"indexDigest\":\""
                + A
                + "\",\"name\":\"web\",\"repository\":\"acme/gateways/web\"}],"
                + "\"version\":\"2.1.0\"}");
  }

  @Test
  void digestIsSha256OfCanonicalJson() throws Exception {
    byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(document.toJson());

    assertThat(document.digest()).isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(hash));
  }

  @Test
  void parseReadsBackEqualDocument() {
    assertThat(ReleaseDocument.parse(document.toJson())).isEqualTo(document);
  }

  @Test
  void statementRoundTripKeepsDocument() {
    Statement statement = document.toStatement();

    assertThat(statement.subjects())
        .containsExactly(
            new Statement.Subject("acme/gateways/agent", "b".repeat(64)),
            new Statement.Subject("acme/gateways/web", "a".repeat(64)));
    assertThat(ReleaseDocument.fromStatement(Statement.parse(statement.toJson())))
        .isEqualTo(document);
  }

  @Test
  void statementOfOtherPredicateIsSubjectMismatch() {
    Statement other =
        new Statement(
            document.toStatement().subjects(),
            "https://slipway.io/image/v1",
            JsonMapper.builder().build().createObjectNode());

    assertFails(() -> ReleaseDocument.fromStatement(other), VerificationFailure.SUBJECT_MISMATCH);
  }

  @Test
  void statementWithForeignSubjectIsMalformed() {
    Statement original = document.toStatement();
    Statement altered =
        new Statement(
            List.of(new Statement.Subject("acme/gateways/web", "c".repeat(64))),
            original.predicateType(),
            original.predicate());

    assertFails(() -> ReleaseDocument.fromStatement(altered), VerificationFailure.MALFORMED);
  }

  @Test
  void otherTypeIsMalformed() {
    String json = json().replace("release/v1", "release/v2");

    var thrown = assertFails(() -> parse(json), VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("_type");
  }

  @Test
  void missingSequenceIsMalformedNamingField() {
    String json = json().replace("\"sequence\":7,", "");

    var thrown = assertFails(() -> parse(json), VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("'sequence'");
  }

  @Test
  void unknownFieldIsMalformedNamingField() {
    String json = json().replace("\"version\"", "\"channel\":\"beta\",\"version\"");

    var thrown = assertFails(() -> parse(json), VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("'channel'");
  }

  @Test
  void duplicateFieldIsMalformed() {
    String json = json().replace("\"sequence\":7,", "\"sequence\":7,\"sequence\":9,");

    assertFails(() -> parse(json), VerificationFailure.MALFORMED);
  }

  @Test
  void fractionalSecondsAreMalformed() {
    String json = json().replace("10:15:30Z", "10:15:30.5Z");

    var thrown = assertFails(() -> parse(json), VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("'createdAt'");
  }

  @Test
  void zeroSequenceIsMalformed() {
    String json = json().replace("\"sequence\":7", "\"sequence\":0");

    var thrown = assertFails(() -> parse(json), VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("sequence 0");
  }

  @Test
  void badServiceDigestIsMalformed() {
    String json = json().replace(A, "sha256:abc");

    var thrown = assertFails(() -> parse(json), VerificationFailure.MALFORMED);

    assertThat(thrown).hasMessageContaining("sha256:abc");
  }

  @Test
  void servicesAreSortedByName() {
    assertThat(document.services()).extracting(ServiceImage::name).containsExactly("agent", "web");
  }

  @Test
  void duplicateServiceNameIsRejected() {
    List<ServiceImage> services =
        List.of(new ServiceImage("web", "acme/gateways/web", A), new ServiceImage("web", "x", B));

    assertThatThrownBy(
            () -> new ReleaseDocument("acme/gateways", 1, "1", 1, Instant.EPOCH, services))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'web' twice");
  }

  @Test
  void fleetWithoutOrganizationIsRejected() {
    ReleaseDocument valid = release(1);

    assertThatThrownBy(
            () ->
                new ReleaseDocument(
                    "gateways",
                    valid.releaseId(),
                    valid.version(),
                    valid.sequence(),
                    valid.createdAt(),
                    valid.services()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'gateways'");
  }

  private String json() {
    return new String(document.toJson(), StandardCharsets.UTF_8);
  }

  private static ReleaseDocument parse(String json) {
    return ReleaseDocument.parse(json.getBytes(StandardCharsets.UTF_8));
  }
}
