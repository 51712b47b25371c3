package io.slipway.agent.config;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The device's config.json as a JSON file. Reading checks the fields the agent uses strictly (see
 * {@link ConfigJson}) and ignores the rest; rewriting keeps every field and its order, except that
 * {@code uuid} and {@code deviceApiKey} take the place of {@code provisioningKey}. The rewrite goes
 * through {@link AtomicFiles#writePrivate}, so the file with the device key gets mode 0600 where
 * the file system has POSIX permissions; on FAT, as on a boot partition, the mount decides the
 * mode.
 *
 * <p>Not thread-safe.
 */
public final class JsonConfigFile implements ConfigFile {

  private static final Logger log = LoggerFactory.getLogger(JsonConfigFile.class);

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final Path path;

  /** Creates the file's view; nothing is read until {@link #read()}. */
  public JsonConfigFile(Path path) {
    this.path = Objects.requireNonNull(path, "path");
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public void deleteLeftovers() {
    try {
      int deleted = AtomicFiles.deleteTemporaryFilesOf(path);
      if (deleted > 0) {
        log.info(
            "Deleted {} temporary copies of config file {} left by an interrupted rewrite",
            deleted,
            path);
      }
    } catch (IOException e) {
      throw new AgentException(
          AgentFailure.INVALID_CONFIG,
          "Could not delete the temporary copies of config file "
              + path
              + " that an interrupted rewrite left ("
              + e.getMessage()
              + "): make its directory writable",
          e);
    }
  }

  @Override
  public AgentConfig read() {
    return ConfigJson.read(path, readTree());
  }

  @Override
  public AgentConfig writeRegistered(String uuid, String deviceApiKey) {
    ConfigJson.checkUuid(path, uuid);
    ConfigJson.checkDeviceApiKey(path, deviceApiKey);
    JsonNode current = readTree();
    ConfigJson.read(path, current);

    ObjectNode registered = withCredentials((ObjectNode) current, uuid, deviceApiKey);
    byte[] content = (JSON.writeValueAsString(registered) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      AtomicFiles.writePrivate(path, content);
    } catch (IOException e) {
      throw new AgentException(
          AgentFailure.INVALID_CONFIG,
          "Could not rewrite config file "
              + path
              + " with the registration of device "
              + uuid
              + " ("
              + e
              + "): make its directory writable; the file is unchanged",
          e);
    }
    return ConfigJson.read(path, registered);
  }

  /**
   * Returns a copy of {@code root} with {@code uuid} and {@code deviceApiKey} where {@code
   * provisioningKey} was (or at the end when it had none), and without {@code provisioningKey}.
   */
  private static ObjectNode withCredentials(ObjectNode root, String uuid, String deviceApiKey) {
    ObjectNode copy = JSON.createObjectNode();
    boolean placed = false;
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      if (name.equals("provisioningKey")) {
        copy.put("uuid", uuid);
        copy.put("deviceApiKey", deviceApiKey);
        placed = true;
      } else if (!name.equals("uuid") && !name.equals("deviceApiKey")) {
        copy.set(name, field.getValue());
      }
    }
    if (!placed) {
      copy.put("uuid", uuid);
      copy.put("deviceApiKey", deviceApiKey);
    }
    return copy;
  }

  private JsonNode readTree() {
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new AgentException(
          AgentFailure.INVALID_CONFIG,
          "Config file "
              + path
              + " is missing: put the config.json of the device's fleet there or pass --config",
          e);
    } catch (IOException e) {
      throw new AgentException(AgentFailure.INVALID_CONFIG, unreadable(e), e);
    }
    try {
      return JSON.readTree(content);
    } catch (JacksonException e) {
      // The parser's message may quote the text at fault, which can be a key: give the place only.
      throw new AgentException(
          AgentFailure.INVALID_CONFIG,
          "Config file " + path + " is not valid JSON at " + placeOf(e) + ": fix or replace it");
    }
  }

  private String unreadable(IOException e) {
    if (Files.isDirectory(path)) {
      return "Config file "
          + path
          + " is a directory: pass the path of the config.json file in it, such as "
          + path.resolve("config.json");
    }
    return "Could not read config file "
        + path
        + " ("
        + e.getMessage()
        + "): check that it exists and that the agent may read it";
  }

  private static String placeOf(JacksonException e) {
    if (e.getLocation() == null) {
      return "an unknown place";
    }
    return "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }
}
