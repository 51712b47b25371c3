package io.slipway.agent.provision;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The identity a device generated for its registration, kept in {@code DATA/registration.json}
 * (mode 0600) from before the first request until config.json contains it. A restart in between
 * sends the same UUID and device key again, which the server treats as a repeat of the same
 * registration instead of a second device. Immutable; {@link #toString()} hides the key.
 *
 * @param uuid 32 lower-case hex digits
 * @param deviceKey {@code sld_} and 43 base64url characters (32 random bytes)
 * @param fleetId the fleet the identity was made for; another fleet's config.json gets a new one
 */
record PendingRegistration(String uuid, String deviceKey, long fleetId) {

  /** The file's name in the data directory. */
  static final String FILE_NAME = "registration.json";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Returns a new identity with a random UUID and device key. */
  static PendingRegistration generate(long fleetId) {
    byte[] uuid = new byte[16];
    byte[] key = new byte[32];
    RANDOM.nextBytes(uuid);
    RANDOM.nextBytes(key);
    return new PendingRegistration(
        HexFormat.of().formatHex(uuid),
        "sld_" + Base64.getUrlEncoder().withoutPadding().encodeToString(key),
        fleetId);
  }

  /**
   * Reads the identity stored in {@code file}, or empty when there is none.
   *
   * @throws AgentException {@code STORE_FAILED} when the file cannot be read or parsed
   */
  static Optional<PendingRegistration> load(Path file) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw damaged(file, e.toString(), e);
    }
    try {
      JsonNode root = JSON.readTree(content);
      return Optional.of(
          new PendingRegistration(
              root.path("uuid").asString(),
              root.path("deviceKey").asString(),
              root.path("fleetId").asLong()));
    } catch (JacksonException | IllegalArgumentException e) {
      throw damaged(file, "it is not a pending registration", e);
    }
  }

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException naming the field at fault, never the key's value
   */
  PendingRegistration {
    if (uuid == null || !uuid.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException("uuid '" + uuid + "' is not 32 lower-case hex digits");
    }
    if (deviceKey == null || !deviceKey.matches("sld_[A-Za-z0-9_-]{43}")) {
      throw new IllegalArgumentException("deviceKey is not sld_ and 43 base64url characters");
    }
    if (fleetId < 1) {
      throw new IllegalArgumentException("fleetId " + fleetId + " is less than 1");
    }
  }

  /** Writes this identity to {@code file} atomically and readable by the owner alone. */
  void save(Path file) {
    ObjectNode root = JSON.createObjectNode();
    root.put("uuid", uuid);
    root.put("deviceKey", deviceKey);
    root.put("fleetId", fleetId);
    try {
      AtomicFiles.writePrivate(file, JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new AgentException(
          AgentFailure.STORE_FAILED,
          "Could not write the pending registration of device "
              + uuid
              + " to "
              + file
              + " ("
              + e
              + "): make the data directory writable",
          e);
    }
  }

  @Override
  public String toString() {
    return "PendingRegistration[uuid=" + uuid + ", fleetId=" + fleetId + ", deviceKey=****]";
  }

  private static AgentException damaged(Path file, String problem, Exception cause) {
    return new AgentException(
        AgentFailure.STORE_FAILED,
        "Could not read the pending registration "
            + file
            + ": "
            + problem
            + "; if this device never registered, delete the file to register with a new UUID",
        cause);
  }
}
