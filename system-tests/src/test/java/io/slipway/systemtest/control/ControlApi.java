package io.slipway.systemtest.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.slipway.systemtest.agent.Poll;
import io.slipway.systemtest.builder.BuildApi;
import io.slipway.systemtest.builder.BuildApi.Reply;
import java.time.Duration;
import java.util.Optional;

/**
 * The control-channel endpoints of the HTTP API as one caller uses them: commands, channel
 * switches, support access and key revocation. Thread-safe as far as {@link BuildApi} is.
 */
final class ControlApi {

  /** Maximum time from sending a command until the device acknowledges it. */
  private static final Duration COMMAND_END = Duration.ofSeconds(60);

  private static final String FLEET_PATH =
      "/api/v1/orgs/" + ControlServer.ORGANIZATION + "/fleets/" + ControlServer.FLEET;

  private final BuildApi api;

  ControlApi(BuildApi api) {
    this.api = api;
  }

  /** Sends any request, for the calls this class has no method for. */
  Reply send(String method, String path, String json) {
    return api.send(method, path, json);
  }

  /** {@code POST /api/v1/devices/{uuid}/commands} with {@code json}, such as a reboot. */
  Reply command(String uuid, String json) {
    return api.send("POST", "/api/v1/devices/" + uuid + "/commands", json);
  }

  /**
   * Sends a command and waits until it ends.
   *
   * @return the ended command, {@code SUCCEEDED} or {@code FAILED}
   * @throws AssertionError when the server does not accept it with 202, or it is still pending
   *     after a minute
   */
  JsonNode run(String uuid, String json) {
    Reply sent = command(uuid, json);
    assertThat(sent.status()).as("POST commands %s: %s", json, sent.text()).isEqualTo(202);
    return awaitEnd(uuid, sent.json().path("id").asText());
  }

  /** Waits with {@code ?wait=} until command {@code id} of {@code uuid} is no longer pending. */
  JsonNode awaitEnd(String uuid, String id) {
    return Poll.until(
        COMMAND_END,
        "command " + id + " of device " + uuid + " to end",
        () -> {
          Reply command =
              api.send("GET", "/api/v1/devices/" + uuid + "/commands/" + id + "?wait=PT10S", null);
          assertThat(command.status()).as(command.text()).isEqualTo(200);
          return Optional.of(command.json())
              .filter(c -> !c.path("status").asText().equals("PENDING"));
        },
        () -> api.send("GET", "/api/v1/devices/" + uuid + "/commands", null).text());
  }

  /** {@code GET /api/v1/devices/{uuid}/control-channel}, which must return 200. */
  JsonNode channel(String uuid) {
    Reply channel = api.send("GET", "/api/v1/devices/" + uuid + "/control-channel", null);
    assertThat(channel.status()).as(channel.text()).isEqualTo(200);
    return channel.json();
  }

  /** Whether device {@code uuid} is connected to the broker, as the API reports it. */
  boolean connected(String uuid) {
    return channel(uuid).path("connected").asBoolean(false);
  }

  /** {@code PUT /api/v1/devices/{uuid}/control-channel} with {@code json}. */
  Reply setChannel(String uuid, String json) {
    return api.send("PUT", "/api/v1/devices/" + uuid + "/control-channel", json);
  }

  /** Switches the fleet's control channel to {@code enabled}, which must return 200. */
  void setFleetChannel(boolean enabled) {
    Reply changed =
        api.send("PUT", FLEET_PATH + "/control-channel", "{\"enabled\":" + enabled + "}");
    assertThat(changed.status()).as(changed.text()).isEqualTo(200);
  }

  /** Grants support access to the fleet for {@code duration}, such as {@code PT1H}. */
  Reply grantSupportAccess(String duration) {
    return api.send("POST", FLEET_PATH + "/support-access", "{\"for\":\"" + duration + "\"}");
  }

  /** Ends every open support access grant of the fleet. */
  Reply revokeSupportAccess() {
    return api.send("DELETE", FLEET_PATH + "/support-access", null);
  }

  /** {@code DELETE /api/v1/devices/{uuid}/key}. */
  Reply revokeKey(String uuid) {
    return api.send("DELETE", "/api/v1/devices/" + uuid + "/key", null);
  }

  /** {@code DELETE /api/v1/devices/{uuid}}. */
  Reply deleteDevice(String uuid) {
    return api.send("DELETE", "/api/v1/devices/" + uuid, null);
  }

  /** Returns the organization's latest audit log entries, newest first. */
  JsonNode auditLog() {
    Reply log =
        api.send(
            "GET", "/api/v1/orgs/" + ControlServer.ORGANIZATION + "/audit-log?limit=500", null);
    assertThat(log.status()).as(log.text()).isEqualTo(200);
    return log.json();
  }

  /** Returns the stable error code of an error reply, such as {@code SUPPORT_ACCESS_REQUIRED}. */
  static String code(Reply reply) {
    return reply.json().path("code").asText();
  }
}
