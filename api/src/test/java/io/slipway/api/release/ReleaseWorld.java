package io.slipway.api.release;

import io.slipway.api.access.Role;
import io.slipway.api.identity.BearerSecret;
import io.slipway.api.server.HttpTestClient;
import io.slipway.api.server.TestImages;
import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running server for the release and target-state tests. Organizations, users with API tokens,
 * fleets and devices with device keys are inserted straight into the database, because they are not
 * what these tests are about. Everything under test goes through HTTP.
 */
public final class ReleaseWorld implements AutoCloseable {

  /**
   * The digest of the image that {@link #successfulRelease} pushes ({@link TestImages#DIGEST});
   * tests that only need a digest valid in form use it too.
   */
  public static final String DIGEST = TestImages.DIGEST;

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AtomicInteger fleetCount = new AtomicInteger();
  private final ConfigurableApplicationContext server;
  private final JdbcClient jdbc;
  private final HttpTestClient http;

  /** A device as the tests need it: its row id, UUID and device key. */
  public record TestDevice(long id, String uuid, String key) {}

  /**
   * A fresh organization with one fleet and a developer.
   *
   * @param org the organization's slug
   * @param slug the fleet's slug
   * @param organizationId the organization's row id
   * @param id the fleet's row id
   * @param developer an API token of a developer of the organization
   */
  public record TestFleet(String org, String slug, long organizationId, long id, String developer) {

    /** Returns a token of a new member with {@code role}, named after the role and the fleet. */
    public String member(ReleaseWorld world, Role role) {
      return world.member(organizationId, role.name().toLowerCase() + "-" + slug, role);
    }
  }

  private ReleaseWorld(ConfigurableApplicationContext server) {
    this.server = server;
    this.jdbc = server.getBean(JdbcClient.class);
    this.http = new HttpTestClient(TestServers.port(server));
  }

  /**
   * Starts a server on {@code database}, with its data in {@code dataDirectory} and {@code
   * arguments} such as {@code --slipway.builder.workers=1} added to its command line.
   */
  public static ReleaseWorld start(TestDatabase database, Path dataDirectory, String... arguments) {
    return new ReleaseWorld(TestServers.start(database, dataDirectory, arguments));
  }

  public HttpTestClient http() {
    return http;
  }

  public JdbcClient jdbc() {
    return jdbc;
  }

  /** Returns the running server's application context. */
  public ConfigurableApplicationContext context() {
    return server;
  }

  /** Creates an organization {@code orgN} with a fleet {@code fleetN} and a developer. */
  public TestFleet newFleet() {
    int n = fleetCount.incrementAndGet();
    String org = "org" + n;
    String slug = "fleet" + n;
    long organizationId = organization(org);
    long id = fleet(organizationId, slug);
    String developer = member(organizationId, "developer-" + slug, Role.DEVELOPER);
    return new TestFleet(org, slug, organizationId, id, developer);
  }

  /** Creates an organization and returns its id. */
  public long organization(String slug) {
    return insert("INSERT INTO organization (slug, name, created_at) VALUES (?, ?, 0)", slug, slug);
  }

  /** Creates a fleet of {@code organizationId} that tracks its latest release; returns its id. */
  public long fleet(long organizationId, String slug) {
    return insert(
        "INSERT INTO fleet (organization_id, slug, name, device_type, created_at)"
            + " VALUES (?, ?, ?, 'generic-amd64', 0)",
        organizationId,
        slug,
        slug);
  }

  /** Creates a user with {@code role} in the organization and returns an API token of theirs. */
  public String member(long organizationId, String username, Role role) {
    long userId = insert("INSERT INTO app_user (username, created_at) VALUES (?, 0)", username);
    jdbc.sql(
            "INSERT INTO membership (organization_id, user_id, role, created_at)"
                + " VALUES (?, ?, ?, 0)")
        .params(organizationId, userId, role.name())
        .update();
    BearerSecret token = BearerSecret.generate(BearerSecret.API_TOKEN, RANDOM);
    jdbc.sql(
            "INSERT INTO api_token (name, user_id, subject, token_hash, created_at)"
                + " VALUES ('test', ?, ?, ?, 0)")
        .params(userId, username, token.sha256Hex())
        .update();
    return token.value();
  }

  /** Registers an approved device in {@code fleetId} and returns it with its key. */
  public TestDevice device(long fleetId) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String uuid = HexFormat.of().formatHex(bytes);
    BearerSecret key = BearerSecret.generate(BearerSecret.DEVICE_KEY, RANDOM);
    long id =
        insert(
            "INSERT INTO device (uuid, fleet_id, name, key_hash, created_at)"
                + " VALUES (?, ?, ?, ?, 0)",
            uuid,
            fleetId,
            "device-" + uuid.substring(0, 7),
            key.sha256Hex());
    return new TestDevice(id, uuid, key.value());
  }

  /** Returns the build log of release {@code releaseId}, up to 500 lines, as JSON text. */
  public String logs(long releaseId, String token) {
    return call("GET", "/api/v1/releases/" + releaseId + "/logs?limit=500", null, token).body();
  }

  /** Returns how many audit rows record {@code action} on release {@code releaseId}. */
  public long auditCount(String action, long releaseId) {
    return jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = ? AND target = ?")
        .params(action, String.valueOf(releaseId))
        .query(Long.class)
        .single();
  }

  /** Sends {@code method} with a JSON body (or none) as the holder of {@code token}. */
  public HttpResponse<String> call(String method, String path, String json, String token) {
    return http.send(method, path, json, "Authorization", HttpTestClient.bearer(token));
  }

  /**
   * Pushes a small image into {@code ORG/FLEET/SERVICE} of the server's registry and returns its
   * reference, {@code HOST/ORG/FLEET/SERVICE@}{@link #DIGEST}.
   */
  public String pushImage(String org, String fleet, String service) {
    return TestImages.push(server, org + "/" + fleet + "/" + service);
  }

  /**
   * Creates a release of {@code org/fleet} with one service {@code web}, an image pushed here at
   * {@link #DIGEST}, finishes it {@code SUCCESS}, which signs it, and returns its id.
   */
  public long successfulRelease(String org, String fleet, String token) {
    long id = createRelease(org, fleet, token);
    String image = pushImage(org, fleet, "web");
    HttpResponse<String> finished =
        call(
            "PATCH",
            "/api/v1/releases/" + id,
            "{\"services\": {\"web\": {\"image\": \"" + image + "\"}}, \"status\": \"SUCCESS\"}",
            token);
    if (finished.statusCode() != 200) {
      throw new IllegalStateException("Finishing release " + id + " failed: " + finished.body());
    }
    return id;
  }

  /** Creates a running release of {@code org/fleet} without services and returns its id. */
  public long createRelease(String org, String fleet, String token) {
    HttpResponse<String> created =
        call("POST", "/api/v1/orgs/" + org + "/fleets/" + fleet + "/releases", "{}", token);
    if (created.statusCode() != 201) {
      throw new IllegalStateException("Creating a release failed: " + created.body());
    }
    return json(created).get("id").asLong();
  }

  /** Parses a response body. */
  public static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  private long insert(String sql, Object... params) {
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(sql).params(params).update(keys, "id");
    return keys.getKey().longValue();
  }

  @Override
  public void close() {
    server.close();
  }
}
