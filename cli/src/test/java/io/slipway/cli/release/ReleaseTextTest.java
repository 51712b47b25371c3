package io.slipway.cli.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ReleaseTextTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static String print(String release) {
    StringWriter text = new StringWriter();
    ReleaseText.print(new PrintWriter(text), JSON.readTree(release));
    return text.toString();
  }

  @Test
  void signedReleaseShowsSequenceDigestAndKey() {
    String text =
        print(
            """
            {"id":7,"fleet":"acme/sensors","status":"SUCCESS","createdAt":0,
             "signature":{"sequence":3,"documentDigest":"sha256:%s","keyHint":"hint=",
                          "signedAt":0}}
            """
                .formatted("ab".repeat(32)));

    assertThat(text)
        .contains("Signed:     sequence 3, document sha256:" + "ab".repeat(32) + ", key hint=");
  }

  @Test
  void unsignedReleaseShowsNoSignature() {
    String text =
        print(
            """
            {"id":7,"fleet":"acme/sensors","status":"RUNNING","createdAt":0,"signature":null}
            """);

    assertThat(text).doesNotContain("Signed:");
  }
}
