package io.slipway.builder.engine.buildkit;

import io.slipway.builder.BuildLog;
import io.slipway.builder.EngineException;
import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.ImageTarget;
import io.slipway.builder.registry.RegistryCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Docker engine's image store, as far as BuildKit builds need it: pull a pinned base image into
 * it, push a built image from it, untag an image. Thread-safe.
 */
final class EngineImages {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final DockerSocket docker;

  EngineImages(DockerSocket docker) {
    this.docker = docker;
  }

  /**
   * Pulls {@code reference} ({@code host:port/repository@sha256:...}) for {@code platform} into the
   * engine's store, authenticating with {@code credentials} at the reference's registry.
   *
   * @throws EngineException naming the reference when the engine reports an error
   */
  void pull(String reference, Platform platform, RegistryCredentials credentials, BuildLog log) {
    String query =
        "/images/create?fromImage="
            + encode(reference)
            + "&platform="
            + encode(platform.toString());
    String registry = reference.substring(0, reference.indexOf('/'));
    stream("pull " + reference, "POST", query, auth(credentials, registry), log);
  }

  /**
   * Pushes {@code target} from the engine's store to its registry.
   *
   * @return the digest of the pushed manifest, as the engine reports it
   * @throws EngineException naming the image when the engine reports an error
   */
  String push(ImageTarget target, RegistryCredentials credentials, BuildLog log) {
    String name = target.registry() + "/" + target.repository();
    String query = "/images/" + name + "/push?tag=" + encode(target.tag());
    JsonNode aux =
        stream("push " + target, "POST", query, auth(credentials, target.registry()), log);
    if (aux == null || !aux.hasNonNull("Digest")) {
      throw new EngineException(
          "Docker engine pushed " + target + " but reported no manifest digest");
    }
    return aux.path("Digest").asString();
  }

  /** Removes the tag {@code reference} from the engine's store; a missing tag is no error. */
  void untag(String reference) {
    try (DockerSocket.Response response = docker.send("DELETE", "/images/" + reference, Map.of())) {
      if (response.status() >= 300 && response.status() != 404) {
        throw new EngineException(
            "Docker engine did not remove tag " + reference + ": " + response.text().trim());
      }
    } catch (IOException e) {
      throw new EngineException("Docker engine did not remove tag " + reference + ": " + e, e);
    }
  }

  /**
   * Runs a call whose response is a stream of JSON progress messages, logs their status lines and
   * fails on the first error message. Returns the last {@code aux} object, or null.
   */
  private JsonNode stream(
      String what, String method, String query, Map<String, String> headers, BuildLog log) {
    try (DockerSocket.Response response = docker.send(method, query, headers)) {
      if (response.status() != 200) {
        throw new EngineException(
            "Docker engine failed to " + what + ": " + message(response.text()));
      }
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
      JsonNode aux = null;
      String previous = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode message = JSON.readTree(line);
        if (message.hasNonNull("error")) {
          throw new EngineException(
              "Docker engine failed to " + what + ": " + message.path("error").asString());
        }
        if (message.hasNonNull("aux")) {
          aux = message.path("aux");
        }
        String status = statusLine(message);
        if (status != null && !status.equals(previous)) {
          log.line(status);
          previous = status;
        }
      }
      return aux;
    } catch (IOException | JacksonException e) {
      throw new EngineException("Docker engine failed to " + what + ": " + e.getMessage(), e);
    }
  }

  /** Returns a progress message's text without its progress bar, or null for pure progress. */
  private static String statusLine(JsonNode message) {
    if (!message.hasNonNull("status")
        || message.hasNonNull("progressDetail") && message.path("progressDetail").size() > 0) {
      return null;
    }
    String id = message.path("id").asString("");
    String status = message.path("status").asString();
    return id.isEmpty() ? status : id + ": " + status;
  }

  private static String message(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node.hasNonNull("message")) {
        return node.path("message").asString();
      }
    } catch (JacksonException e) {
      // Not JSON: report the text as it is.
    }
    return body.trim();
  }

  /** Builds the {@code X-Registry-Auth} header: base64url of the credentials as JSON. */
  private static Map<String, String> auth(RegistryCredentials credentials, String registry) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("username", credentials.username());
    config.put("password", credentials.password());
    config.put("serveraddress", registry);
    byte[] json = JSON.writeValueAsBytes(config);
    return Map.of("X-Registry-Auth", Base64.getUrlEncoder().encodeToString(json));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
