package io.slipway.cli.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class DeviceTextTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static String state(String json) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    DeviceText.printState(out, JSON.readTree(json));
    out.flush();
    return text.toString();
  }

  @Test
  void deltaServiceShowsMethodAndBytes() {
    String text =
        state(
            """
            {"uuid": "u", "targetReleaseId": 3, "targetReleaseVersion": "0.0.2",
             "reported": {"releaseId": 3, "status": "RUNNING", "services": {
               "web": {"status": "running", "updateMethod": "delta",
                       "downloadedBytes": 1470, "downloadSize": 1470}}}}
            """);

    assertThat(text).contains("Release:        3 (target: 3, version 0.0.2)");
    assertThat(text).contains("  web: running, delta, 1,470 of 1,470 bytes");
  }

  @Test
  void failedUpdateShowsDeviceMessage() {
    String text =
        state(
            """
            {"targetReleaseId": 5, "targetReleaseVersion": "0.0.3",
             "reported": {"releaseId": 4, "services": {
               "web": {"status": "running", "message": "VERIFICATION_FAILED: altered"}}}}
            """);

    assertThat(text).contains("Release:        4 (target: 5, version 0.0.3)");
    assertThat(text).contains("  web: running, VERIFICATION_FAILED: altered");
  }

  @Test
  void unreportedDeviceIsNamedAsSuch() {
    String text =
        state("{\"targetReleaseId\": null, \"targetReleaseVersion\": null, \"reported\": null}");

    assertThat(text).contains("Release:        - (target: -, version -)");
    assertThat(text).contains("has not reported yet");
  }
}
