package io.slipway.systemtest.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.server.SlipwayStack;
import io.slipway.systemtest.skopeo.Skopeo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's HTTP API as the builder tests use it: JSON requests with a bearer token, source
 * uploads, and waiting for a release to finish. Reads the server's address from the stack at each
 * call, so it keeps working after the stack restarts the server on another port.
 */
public final class BuildApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SlipwayStack stack;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public BuildApi(SlipwayStack stack, String token) {
    this.stack = stack;
    this.token = token;
  }

  /** A response with its status and body. */
  public record Reply(int status, String text) {

    public JsonNode json() {
      try {
        return JSON.readTree(text);
      } catch (IOException e) {
        throw new UncheckedIOException("Response is not JSON: " + text, e);
      }
    }
  }

  public Reply send(String method, String path, String json) {
    HttpRequest.BodyPublisher body =
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json);
    HttpRequest.Builder request = request(path).method(method, body);
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return exchange(request.build());
  }

  /** Uploads {@code archive}, a gzip-compressed tar of a project, to start a build. */
  public Reply startBuild(String organization, String fleet, Path archive, String query) {
    try {
      HttpRequest request =
          request("/api/v1/orgs/" + organization + "/fleets/" + fleet + "/builds?" + query)
              .header("Content-Type", "application/gzip")
              .POST(HttpRequest.BodyPublishers.ofFile(archive))
              .build();
      return exchange(request);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + archive, e);
    }
  }

  /**
   * Polls the release until its status is final or {@code timeout} passes, and returns its last
   * view.
   */
  public JsonNode awaitFinal(long releaseId, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Reply release = sendQuietly("/api/v1/releases/" + releaseId);
      if (release != null && release.status() == 200) {
        String status = release.json().path("status").asText();
        if (!status.equals("RUNNING")) {
          return release.json();
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "Release "
                + releaseId
                + " is not final after "
                + timeout
                + "; log:\n"
                + log(releaseId));
      }
      sleep(Duration.ofSeconds(1));
    }
  }

  /** Returns the release's build log as text, one line per entry. */
  public String log(long releaseId) {
    Reply reply = sendQuietly("/api/v1/releases/" + releaseId + "/logs?limit=1000");
    if (reply == null || reply.status() != 200) {
      return "(no build log: " + (reply == null ? "server down" : reply.text()) + ")";
    }
    StringBuilder text = new StringBuilder();
    JsonNode lines = reply.json().has("lines") ? reply.json().path("lines") : reply.json();
    for (JsonNode line : lines) {
      text.append(line.path("service").asText(""))
          .append(' ')
          .append(line.path("platform").asText(""))
          .append(' ')
          .append(line.path("line").asText(line.path("text").asText()))
          .append('\n');
    }
    return text.toString();
  }

  /** Creates fleet {@code org/fleet} of generic-amd64 that builds for {@code deviceTypes}. */
  public void createFleet(String organization, String fleet, String... deviceTypes) {
    Reply created =
        send(
            "POST",
            "/api/v1/orgs/" + organization + "/fleets",
            "{\"slug\":\"" + fleet + "\",\"deviceType\":\"generic-amd64\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String types = "[\"" + String.join("\",\"", deviceTypes) + "\"]";
    Reply patched =
        send(
            "PATCH",
            "/api/v1/orgs/" + organization + "/fleets/" + fleet,
            "{\"deviceTypes\":" + types + "}");
    assertThat(patched.status()).as(patched.text()).isEqualTo(200);
  }

  /** Returns the releases of {@code org/fleet} as the list endpoint sends them, newest first. */
  public List<JsonNode> releases(String organization, String fleet) {
    Reply list =
        send("GET", "/api/v1/orgs/" + organization + "/fleets/" + fleet + "/releases", null);
    assertThat(list.status()).as(list.text()).isEqualTo(200);
    List<JsonNode> releases = new ArrayList<>();
    list.json().forEach(releases::add);
    return releases;
  }

  /** Returns release {@code id} with its services. */
  public JsonNode release(long id) {
    Reply release = send("GET", "/api/v1/releases/" + id, null);
    assertThat(release.status()).as(release.text()).isEqualTo(200);
    return release.json();
  }

  /** Returns the image of {@code service} in {@code release}, which must name a digest. */
  public static String image(JsonNode release, String service) {
    String image = release.path("services").path(service).path("image").asText();
    assertThat(image).as("image of service %s in %s", service, release).contains("@sha256:");
    return image;
  }

  /** Returns the architectures of the image index {@code image} names, read with skopeo. */
  public static List<String> architectures(Skopeo skopeo, String image, String token)
      throws IOException {
    CommandResult raw = skopeo.inspect("docker://" + image, token, true).assertSucceeded();
    List<String> architectures = new ArrayList<>();
    for (JsonNode manifest : JSON.readTree(raw.stdout()).path("manifests")) {
      architectures.add(manifest.path("platform").path("architecture").asText());
    }
    return architectures;
  }

  private Reply sendQuietly(String path) {
    try {
      return exchange(request(path).GET().build());
    } catch (UncheckedIOException e) {
      return null;
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stack.server().baseUrl() + path))
            .timeout(Duration.ofMinutes(2));
    // An empty token makes an anonymous client, such as one that signs in.
    return token.isEmpty() ? request : request.header("Authorization", "Bearer " + token);
  }

  private Reply exchange(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("Request " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the server", e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a release", e);
    }
  }
}
