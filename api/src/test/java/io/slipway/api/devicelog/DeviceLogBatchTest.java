package io.slipway.api.devicelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class DeviceLogBatchTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static List<DeviceLogLine> parse(String body) {
    return DeviceLogBatch.parse(body.getBytes(StandardCharsets.UTF_8), JSON);
  }

  private static String codeOf(String body) {
    try {
      parse(body);
    } catch (ApiException e) {
      return e.code();
    }
    throw new AssertionError("Expected " + body + " to be rejected");
  }

  @Test
  void readsEveryField() {
    List<DeviceLogLine> lines =
        parse(
            "[{\"timestamp\":5,\"service\":\"db\",\"message\":\"up\","
                + "\"isStderr\":true,\"isSystem\":false}]");

    assertThat(lines).containsExactly(new DeviceLogLine(5, "db", "up", true, false));
  }

  @Test
  void optionalFieldsHaveDefaults() {
    assertThat(parse("[{\"timestamp\":5,\"message\":\"up\"}]"))
        .containsExactly(new DeviceLogLine(5, null, "up", false, false));
  }

  @Test
  void emptyArrayIsNoLines() {
    assertThat(parse("[]")).isEmpty();
  }

  @Test
  void objectInsteadOfArrayIsInvalidBody() {
    assertThat(codeOf("{\"timestamp\":5,\"message\":\"up\"}")).isEqualTo("INVALID_REQUEST_BODY");
  }

  @Test
  void malformedJsonIsInvalidBody() {
    assertThat(codeOf("[{")).isEqualTo("INVALID_REQUEST_BODY");
  }

  @Test
  void missingMessageIsInvalidLine() {
    assertThat(codeOf("[{\"timestamp\":5}]")).isEqualTo("DEVICE_LOG_INVALID_LINE");
  }

  @Test
  void fractionalTimestampIsInvalidLine() {
    assertThat(codeOf("[{\"timestamp\":5.5,\"message\":\"up\"}]"))
        .isEqualTo("DEVICE_LOG_INVALID_LINE");
  }

  @Test
  void textFlagIsInvalidLine() {
    assertThat(codeOf("[{\"timestamp\":5,\"message\":\"up\",\"isStderr\":\"yes\"}]"))
        .isEqualTo("DEVICE_LOG_INVALID_LINE");
  }

  @Test
  void unknownFieldIsInvalidLine() {
    assertThat(codeOf("[{\"timestamp\":5,\"message\":\"up\",\"level\":\"info\"}]"))
        .isEqualTo("DEVICE_LOG_INVALID_LINE");
  }

  @Test
  void refusalNamesTheLineIndex() {
    assertThatThrownBy(
            () ->
                parse("[{\"timestamp\":1,\"message\":\"a\"},{\"timestamp\":-1,\"message\":\"b\"}]"))
        .hasMessageStartingWith("Log line 1 ");
  }

  @Test
  void messageOfMaximumLengthIsAccepted() {
    String message = "m".repeat(DeviceLogLine.MAX_MESSAGE_CHARS);

    assertThat(parse("[{\"timestamp\":1,\"message\":\"" + message + "\"}]")).hasSize(1);
  }

  @Test
  void tooManyLinesIsTooLarge() {
    String lines = "{\"timestamp\":1,\"message\":\"a\"},".repeat(DeviceLogBatch.MAX_LINES + 1);
    String body = "[" + lines.substring(0, lines.length() - 1) + "]";

    assertThat(codeOf(body)).isEqualTo("DEVICE_LOG_BATCH_TOO_LARGE");
  }
}
