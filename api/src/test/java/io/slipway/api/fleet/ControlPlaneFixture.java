package io.slipway.api.fleet;

import io.slipway.api.access.Role;
import io.slipway.api.identity.BearerSecret;
import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole server on a free loopback port with helpers to create organizations, members, fleets,
 * provisioning keys and devices through its API, for the tests of fleets and devices. Users other
 * than the administrator are inserted straight into the database, because creating users is not
 * what these tests are about.
 */
public final class ControlPlaneFixture implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ConfigurableApplicationContext server;
  private final TestDatabase database;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String adminToken;

  private ControlPlaneFixture(
      ConfigurableApplicationContext server, TestDatabase database, String adminToken) {
    this.server = server;
    this.database = database;
    this.base = "http://127.0.0.1:" + TestServers.port(server);
    this.adminToken = adminToken;
  }

  /** Starts a server on {@code database} with its data in {@code dataDirectory}. */
  public static ControlPlaneFixture start(
      TestDatabase database, Path dataDirectory, String... extraArguments) {
    ConfigurableApplicationContext server =
        TestServers.start(database, dataDirectory, extraArguments);
    try {
      String token = Files.readString(dataDirectory.resolve("bootstrap-token")).strip();
      return new ControlPlaneFixture(server, database, token);
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException(e);
    }
  }

  public ConfigurableApplicationContext server() {
    return server;
  }

  public int port() {
    return TestServers.port(server);
  }

  /** Returns the bootstrap administrator's API token. */
  public String adminToken() {
    return adminToken;
  }

  public JdbcClient jdbc() {
    return JdbcClient.create(database.dataSource());
  }

  /** A response with its body parsed as JSON when it has one. */
  public record Response(int status, String body) {

    public JsonNode json() {
      return JSON.readTree(body);
    }

    /** Returns the {@code code} of an error body. */
    public String code() {
      return json().path("code").asString();
    }
  }

  /** Sends {@code method path} with {@code token} as bearer (none when null) and a JSON body. */
  public Response send(String method, String path, String token, String jsonBody) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (jsonBody != null) {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the test server", e);
    }
  }

  public Response get(String path, String token) {
    return send("GET", path, token, null);
  }

  public Response post(String path, String token, String jsonBody) {
    return send("POST", path, token, jsonBody);
  }

  public Response put(String path, String token, String jsonBody) {
    return send("PUT", path, token, jsonBody);
  }

  public Response patch(String path, String token, String jsonBody) {
    return send("PATCH", path, token, jsonBody);
  }

  public Response delete(String path, String token) {
    return send("DELETE", path, token, null);
  }

  /** Creates organization {@code slug} as the administrator. */
  public void createOrganization(String slug) {
    expect(post("/api/v1/orgs", adminToken, "{\"slug\":\"" + slug + "\"}"), 201);
  }

  /** Creates fleet {@code org/slug} of {@code deviceType} as the administrator. */
  public void createFleet(String org, String slug, String deviceType, boolean requiresApproval) {
    expect(
        post(
            "/api/v1/orgs/" + org + "/fleets",
            adminToken,
            "{\"slug\":\""
                + slug
                + "\",\"deviceType\":\""
                + deviceType
                + "\",\"requiresApproval\":"
                + requiresApproval
                + "}"),
        201);
  }

  /**
   * Inserts user {@code username} with an API token and makes them {@code role} of {@code org} (no
   * membership when {@code role} is null). Returns the token.
   */
  public String user(String username, String org, Role role) {
    JdbcClient jdbc = jdbc();
    long now = System.currentTimeMillis();
    jdbc.sql("INSERT INTO app_user (username, created_at) VALUES (?, ?)")
        .params(username, now)
        .update();
    long userId =
        jdbc.sql("SELECT id FROM app_user WHERE username = ?")
            .param(username)
            .query(Long.class)
            .single();
    BearerSecret token = BearerSecret.generate(BearerSecret.API_TOKEN, RANDOM);
    jdbc.sql(
            "INSERT INTO api_token (name, user_id, subject, token_hash, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params("test", userId, username, token.sha256Hex(), now)
        .update();
    if (role != null) {
      long organizationId =
          jdbc.sql("SELECT id FROM organization WHERE slug = ?")
              .param(org)
              .query(Long.class)
              .single();
      jdbc.sql(
              "INSERT INTO membership (organization_id, user_id, role, created_at)"
                  + " VALUES (?, ?, ?, ?)")
          .params(organizationId, userId, role.name(), now)
          .update();
    }
    return token.value();
  }

  /** Creates a provisioning key for {@code org/fleet} with the given JSON body; returns it. */
  public String provisioningKey(String org, String fleet, String jsonBody) {
    Response response =
        expect(
            post(
                "/api/v1/orgs/" + org + "/fleets/" + fleet + "/provisioning-keys",
                adminToken,
                jsonBody),
            201);
    return response.json().path("secret").asString();
  }

  /** Returns a fresh device UUID of 32 hex digits. */
  public static String newUuid() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Registers {@code uuid} of {@code deviceType} with {@code provisioningKey}. */
  public Response register(String provisioningKey, String uuid, String deviceType) {
    return post(
        "/device/v1/register",
        provisioningKey,
        "{\"uuid\":\"" + uuid + "\",\"deviceType\":\"" + deviceType + "\"}");
  }

  /** Registers a new device and returns its device key. */
  public String registeredDevice(String provisioningKey, String uuid, String deviceType) {
    return expect(register(provisioningKey, uuid, deviceType), 201)
        .json()
        .path("deviceKey")
        .asString();
  }

  /** Returns {@code response} when it has {@code status}, else fails with its body. */
  public static Response expect(Response response, int status) {
    if (response.status() != status) {
      throw new AssertionError(
          "Expected HTTP " + status + " but got " + response.status() + ": " + response.body());
    }
    return response;
  }

  @Override
  public void close() {
    server.close();
  }
}
