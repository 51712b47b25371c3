package io.slipway.api.devicelog;

import io.slipway.api.access.Role;
import io.slipway.api.identity.BearerSecret;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes an organization, a fleet, devices with keys and users with API tokens straight into a test
 * server's database, so that the device log tests depend on no other endpoint.
 */
final class DeviceLogWorld {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final long organizationId;
  private final long fleetId;

  DeviceLogWorld(DataSource dataSource, String organization, String fleet) {
    this.jdbc = JdbcClient.create(dataSource);
    long now = System.currentTimeMillis();
    jdbc.sql("INSERT INTO organization (slug, name, created_at) VALUES (?, ?, ?)")
        .params(organization, organization, now)
        .update();
    this.organizationId = idOf("organization", "slug", organization);
    jdbc.sql(
            "INSERT INTO fleet (organization_id, slug, name, device_type, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params(organizationId, fleet, fleet, "generic-amd64", now)
        .update();
    this.fleetId =
        jdbc.sql("SELECT id FROM fleet WHERE organization_id = ? AND slug = ?")
            .params(organizationId, fleet)
            .query(Long.class)
            .single();
  }

  /** A device as the tests use it: its UUID and its device key. */
  record TestDevice(String uuid, String key) {}

  /** Inserts an approved device of the fleet with a fresh UUID and key. */
  TestDevice device() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String uuid = HexFormat.of().formatHex(bytes);
    BearerSecret key = BearerSecret.generate(BearerSecret.DEVICE_KEY, RANDOM);
    jdbc.sql(
            "INSERT INTO device (uuid, fleet_id, name, key_hash, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params(uuid, fleetId, "device-" + uuid.substring(0, 6), key.sha256Hex(), 0L)
        .update();
    return new TestDevice(uuid, key.value());
  }

  /**
   * Inserts user {@code username} with an API token, as {@code role} of the organization (no
   * membership when null), and returns the token.
   */
  String user(String username, Role role) {
    long now = System.currentTimeMillis();
    jdbc.sql("INSERT INTO app_user (username, created_at) VALUES (?, ?)")
        .params(username, now)
        .update();
    long userId = idOf("app_user", "username", username);
    BearerSecret token = BearerSecret.generate(BearerSecret.API_TOKEN, RANDOM);
    jdbc.sql(
            "INSERT INTO api_token (name, user_id, subject, token_hash, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")
        .params("test", userId, username, token.sha256Hex(), now)
        .update();
    if (role != null) {
      jdbc.sql(
              "INSERT INTO membership (organization_id, user_id, role, created_at)"
                  + " VALUES (?, ?, ?, ?)")
          .params(organizationId, userId, role.name(), now)
          .update();
    }
    return token.value();
  }

  /** Returns how many log lines of {@code uuid} are stored. */
  long storedLines(String uuid) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM device_log l JOIN device d ON d.id = l.device_id"
                + " WHERE d.uuid = ?")
        .param(uuid)
        .query(Long.class)
        .single();
  }

  private long idOf(String table, String column, String value) {
    return jdbc.sql("SELECT id FROM " + table + " WHERE " + column + " = ?")
        .param(value)
        .query(Long.class)
        .single();
  }
}
