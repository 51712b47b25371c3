package io.slipway.agent.store;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.AtomicFiles;
import io.slipway.delta.image.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The file that names the current release, {@code DATA/current-release.json}. Replacing it is the
 * one commit point of a switch, so it is written only through {@link AtomicFiles#write}. Not
 * thread-safe; the store serializes calls.
 */
final class ReleaseFile {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};

  /** The time stamp of a file moved aside, without colons so that every file system takes it. */
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseFile.class);

  private final Path file;
  private final Clock clock;

  ReleaseFile(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  Path path() {
    return file;
  }

  /**
   * Reads the release, or empty when the file does not exist. A file that cannot be parsed is moved
   * aside to {@code current-release.json.corrupt-TIMESTAMP} with a WARN, and the device then counts
   * as one without an installed release, so it installs its target anew.
   *
   * <p>NOTE: the installed release's sequence number is lost with the file, so the rollback rule
   * then accepts any signed release the server names, down to the oldest one still signed.
   *
   * @throws AgentException {@code STORE_FAILED} when the file cannot be read, or a corrupt file
   *     cannot be moved aside
   */
  Optional<InstalledRelease> read() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failed("Reading " + file + " failed: " + e, e);
    }
    try {
      return Optional.of(parse(JSON.readTree(bytes)));
    } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
      moveAside(e);
      return Optional.empty();
    }
  }

  private void moveAside(RuntimeException problem) {
    Path aside =
        file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(clock.instant()));
    try {
      AtomicFiles.move(file, aside);
    } catch (IOException e) {
      throw failed(
          file
              + " is not a valid release record ("
              + problem.getMessage()
              + ") and moving it to "
              + aside
              + " failed: "
              + e
              + "; delete it to start over",
          e);
    }
    LOG.warn(
        "{} is not a valid release record ({}); moved it to {} and starting as a device without an"
            + " installed release, which installs its target release again",
        file,
        problem.getMessage(),
        aside);
  }

  /**
   * Replaces the file with {@code release}, atomically and durably.
   *
   * @throws AgentException {@code STORE_FAILED} when a write step fails; the old file then stays
   */
  void write(InstalledRelease release) {
    try {
      AtomicFiles.write(file, JSON.writeValueAsBytes(toJson(release)));
    } catch (IOException e) {
      throw failed("Writing " + file + " failed: " + e, e);
    }
  }

  private static ObjectNode toJson(InstalledRelease release) {
    ObjectNode root = JSON.createObjectNode();
    root.put("releaseId", release.releaseId());
    root.put("version", release.version());
    root.put("sequence", release.sequence());
    root.put("releaseDigest", release.releaseDigest());
    ObjectNode services = root.putObject("services");
    for (InstalledService service : release.services().values()) {
      ObjectNode node = services.putObject(service.name());
      node.put("image", service.image());
      node.put("index", service.index().value());
      node.put("manifest", service.manifest().value());
      node.put("refName", service.refName());
      node.set("environment", JSON.valueToTree(service.environment()));
      node.set("labels", JSON.valueToTree(service.labels()));
      node.set("configuration", JSON.valueToTree(service.configuration()));
    }
    return root;
  }

  private static InstalledRelease parse(JsonNode root) {
    Map<String, InstalledService> services = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : root.required("services").properties()) {
      JsonNode node = entry.getValue();
      services.put(
          entry.getKey(),
          new InstalledService(
              entry.getKey(),
              node.required("image").asString(),
              Digest.of(node.required("index").asString()),
              Digest.of(node.required("manifest").asString()),
              node.required("refName").asString(),
              JSON.convertValue(node.required("environment"), STRINGS),
              JSON.convertValue(node.required("labels"), STRINGS),
              JSON.convertValue(node.required("configuration"), OBJECT)));
    }
    return new InstalledRelease(
        root.required("releaseId").asLong(),
        root.path("version").asString(null),
        root.required("sequence").asLong(),
        root.required("releaseDigest").asString(),
        services);
  }

  private static AgentException failed(String message, Exception cause) {
    return new AgentException(AgentFailure.STORE_FAILED, message, cause);
  }
}
