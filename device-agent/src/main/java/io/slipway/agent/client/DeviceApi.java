package io.slipway.agent.client;

import io.slipway.delta.image.Digest;
import java.util.List;
import java.util.Optional;

/**
 * The device's side of the server's {@code /device/v1/} API, authenticated with the device key
 * (registration with the provisioning key). Signed documents are returned as the bytes the server
 * sent, so that callers verify exactly what arrived.
 *
 * <p>Implementations are thread-safe. Every method throws {@link io.slipway.agent.AgentException}:
 * {@code UNAUTHORIZED} for 401 and 403, {@code SERVER_UNAVAILABLE} for connection failures,
 * timeouts and 5xx (the caller retries), {@code PROTOCOL} for other 4xx and malformed bodies, each
 * naming the request and the server's error code and message.
 */
public interface DeviceApi {

  /**
   * {@code POST /device/v1/register} with the provisioning key. Idempotent for the same UUID and
   * device key.
   *
   * @throws io.slipway.agent.AgentException {@code REGISTRATION_REFUSED} for 401, 403 and 409
   */
  Registered register(String provisioningKey, Registration registration);

  /**
   * {@code GET /device/v1/{uuid}/state} with {@code If-None-Match}.
   *
   * @param etag the ETag of the state the device holds, or null for none
   * @return the new state, or empty on {@code 304 Not Modified}
   */
  Optional<TargetState> targetState(String etag);

  /** {@code GET /device/v1/{uuid}/fleet}: the fleet and the platform its images are built for. */
  FleetInfo fleet();

  /** {@code GET /device/v1/{uuid}/state/signed}: the DSSE envelope JSON of the signed state. */
  byte[] signedTargetState();

  /** {@code GET /device/v1/{uuid}/signing-keys/signed}: the DSSE envelope JSON of the key list. */
  byte[] signedKeyList();

  /**
   * {@code GET /device/v1/{uuid}/releases/{id}/signature}: the Sigstore bundle JSON of the release
   * document, or empty when the release has no signature (404).
   */
  Optional<byte[]> releaseSignature(long releaseId);

  /** {@code PATCH /device/v1/{uuid}/state}. */
  void reportState(StateReport report);

  /**
   * {@code PATCH /device/v1/{uuid}}: the device's OS version (and nothing else the agent does not
   * know). Null leaves it unchanged.
   */
  void updateSelf(String osVersion);

  /** {@code POST /device/v1/{uuid}/logs}: one batch of at most 1,000 lines. */
  void sendLogs(List<LogLine> lines);

  /**
   * {@code GET /device/v1/delta?from=&to=}: requests the delta between two platform manifests.
   *
   * @param from the platform manifest the device runs
   * @param to the platform manifest it should run
   */
  DeltaOffer delta(Digest from, Digest to);

  /**
   * {@code GET /device/v1/{uuid}/control-channel}: whether the device may open its control channel
   * now, and where to. Unknown fields are ignored. The agent calls it at every poll round.
   */
  ControlChannelSettings controlChannel();

  /** The downloader that fetches delta payloads with this API's device key. */
  Downloader payloads();
}
