package io.slipway.signing.intoto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class StatementTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String HEX = "a".repeat(64);

  private static Statement statement() {
    ObjectNode predicate = JSON.createObjectNode();
    predicate.put("zeta", 1);
    predicate.putObject("alpha").put("y", "\u00fc").put("b", true);
    return new Statement(
        List.of(new Statement.Subject("org/fleet/web", HEX)),
        "https://example.test/p/v1",
        predicate);
  }

  @Test
  void writesCompactJsonWithSortedKeys() {
    String json = new String(statement().toJson(), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"_type\":\"https://in-toto.io/Statement/v1\","
                + "\"predicate\":{\"alpha\":{\"b\":true,\"y\":\"\u00fc\"},\"zeta\":1},"
                + "\"predicateType\":\"https://example.test/p/v1\","
                + "\"subject\":[{\"digest\":{\"sha256\":\""
                + HEX
                + "\"},\"name\":\"org/fleet/web\"}]}");
  }

  @Test
  void parsesWhatItWrites() {
    Statement statement = statement();

    assertThat(Statement.parse(statement.toJson())).isEqualTo(statement);
  }

  @Test
  void findsSubjectByDigest() {
    assertThat(statement().hasSubjectDigest(HEX)).isTrue();
    assertThat(statement().hasSubjectDigest("b".repeat(64))).isFalse();
  }

  @Test
  void subjectFromOciDigest() {
    Statement.Subject subject = Statement.Subject.ofDigest("r", "sha256:" + HEX);

    assertThat(subject.sha256()).isEqualTo(HEX);
  }

  @Test
  void subjectRejectsOtherDigestAlgorithm() {
    assertThatThrownBy(() -> Statement.Subject.ofDigest("r", "sha512:" + HEX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sha512:");
  }

  @Test
  void subjectRejectsUpperCaseHex() {
    assertThatThrownBy(() -> new Statement.Subject("r", "A".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 lower-case hex digits");
  }

  @Test
  void predicateIsCopied() {
    Statement statement = statement();

    ((ObjectNode) statement.predicate()).put("zeta", 2);

    assertThat(statement.predicate().get("zeta").asInt()).isEqualTo(1);
  }

  @Test
  void rejectsNoSubject() {
    assertThatThrownBy(() -> new Statement(List.of(), "t", JSON.createObjectNode()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one subject");
  }

  @Test
  void rejectsNonObjectPredicate() {
    assertThatThrownBy(
            () ->
                new Statement(
                    List.of(new Statement.Subject("r", HEX)),
                    "t",
                    JSON.getNodeFactory().textNode("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a JSON object");
  }

  @Test
  void parseRejectsText() {
    assertMalformed("not json", "is not JSON");
  }

  @Test
  void parseRejectsArray() {
    assertMalformed("[]", "is not a JSON object");
  }

  @Test
  void parseRejectsOtherType() {
    assertMalformed(
        "{\"_type\":\"https://in-toto.io/Statement/v0.1\"}", "https://in-toto.io/Statement/v0.1");
  }

  @Test
  void parseRejectsBadSubjectDigest() {
    assertMalformed(
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"r\","
            + "\"digest\":{\"sha256\":\"abc\"}}],\"predicateType\":\"t\",\"predicate\":{}}",
        "bad subject");
  }

  @Test
  void parseRejectsMissingPredicate() {
    assertMalformed(
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"r\","
            + "\"digest\":{\"sha256\":\""
            + HEX
            + "\"}}],\"predicateType\":\"t\"}",
        "is incomplete");
  }

  @Test
  void parseRejectsDuplicateKey() {
    assertMalformed(
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"r\","
            + "\"digest\":{\"sha256\":\""
            + "0".repeat(64)
            + "\",\"sha256\":\""
            + HEX
            + "\"}}],\"predicateType\":\"t\",\"predicate\":{}}",
        "sha256");
  }

  @Test
  void parseRejectsTrailingContent() {
    assertMalformed(
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"r\","
            + "\"digest\":{\"sha256\":\""
            + HEX
            + "\"}}],\"predicateType\":\"t\",\"predicate\":{}} {}",
        "is not JSON");
  }

  @Test
  void parseRejectsSubjectObject() {
    assertMalformed(
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":{\"a\":{\"name\":\"r\","
            + "\"digest\":{\"sha256\":\""
            + HEX
            + "\"}}},\"predicateType\":\"t\",\"predicate\":{}}",
        "has no 'subject' array");
  }

  private static void assertMalformed(String json, String message) {
    assertThatThrownBy(() -> Statement.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> assertThat(e.failure()).isEqualTo(VerificationFailure.MALFORMED))
        .hasMessageContaining(message);
  }
}
