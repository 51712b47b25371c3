package io.slipway.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.SlipwayServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Slipway server started in this JVM on a free loopback port, with a user {@value #USER} who has
 * an API token and owns one organization, made over HTTP with the bootstrap administrator token.
 */
public final class TestServer implements AutoCloseable {

  /** The user's name. */
  public static final String USER = "dev";

  /** The user's password. */
  public static final String PASSWORD = "correct horse battery staple 42";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ConfigurableApplicationContext context;
  private final int port;
  private final String adminToken;
  private String userToken;

  private TestServer(ConfigurableApplicationContext context, Path dataDirectory)
      throws IOException {
    this.context = context;
    this.port = Integer.parseInt(Files.readString(dataDirectory.resolve("server.port")).strip());
    this.adminToken = Files.readString(dataDirectory.resolve("bootstrap-token")).strip();
  }

  /**
   * Starts a server keeping its data in {@code dataDirectory}, and makes the user and the
   * organization {@code organization}.
   *
   * @param settings further Spring settings, such as {@code --slipway.builder.engine=jib}
   */
  public static TestServer start(Path dataDirectory, String organization, String... settings)
      throws IOException {
    List<String> arguments = new ArrayList<>();
    arguments.add("--server.port=0");
    arguments.add("--server.address=127.0.0.1");
    arguments.add("--slipway.data-dir=" + dataDirectory);
    arguments.addAll(List.of(settings));
    TestServer server =
        new TestServer(SlipwayServer.start(arguments.toArray(String[]::new)), dataDirectory);
    server.makeUser(organization);
    return server;
  }

  /** Returns the running server's application context, to reach its beans. */
  public ConfigurableApplicationContext context() {
    return context;
  }

  /** Returns the base URL, {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Returns the registry's address, {@code 127.0.0.1:PORT}. */
  public String registry() {
    return "127.0.0.1:" + port;
  }

  /** Returns the bootstrap token of the server administrator. */
  public String adminToken() {
    return adminToken;
  }

  /** Returns the user's API token. */
  public String userToken() {
    return userToken;
  }

  /**
   * Sends a JSON request and returns the JSON response, asserting its status.
   *
   * @param bearer the token to send, or null for none
   */
  public JsonNode call(String method, String path, String body, String bearer, int expected) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url() + path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode())
          .as(method + " " + path + ": " + response.body())
          .isEqualTo(expected);
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void makeUser(String organization) {
    String credentials = "{\"username\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\"}";
    call("POST", "/api/v1/users", credentials, adminToken, 201);
    String session =
        call("POST", "/api/v1/auth/login", credentials, null, 200).path("token").asString();
    userToken =
        call("POST", "/api/v1/user/api-tokens", "{\"name\":\"cli-it\"}", session, 201)
            .path("token")
            .asString();
    call("POST", "/api/v1/orgs", "{\"slug\":\"" + organization + "\"}", userToken, 201);
  }

  @Override
  public void close() {
    context.close();
  }
}
