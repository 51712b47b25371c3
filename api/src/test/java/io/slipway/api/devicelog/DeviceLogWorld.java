package io.slipway.api.devicelog;

import io.slipway.api.access.Role;
import io.slipway.api.fleet.ControlPlaneFixture;

/**
 * An organization with one fleet on a running test server, where the device log tests register
 * devices and add users.
 */
final class DeviceLogWorld {

  private static final String DEVICE_TYPE = "generic-amd64";

  private final ControlPlaneFixture fixture;
  private final String organization;
  private final String provisioningKey;

  DeviceLogWorld(ControlPlaneFixture fixture, String organization, String fleet) {
    this.fixture = fixture;
    this.organization = organization;
    fixture.createOrganization(organization);
    fixture.createFleet(organization, fleet, DEVICE_TYPE, false);
    this.provisioningKey = fixture.provisioningKey(organization, fleet, "{\"name\":\"logs\"}");
  }

  /** A device as the tests use it: its UUID and its device key. */
  record TestDevice(String uuid, String key) {}

  /** Registers a device of the fleet with a fresh UUID. */
  TestDevice device() {
    String uuid = ControlPlaneFixture.newUuid();
    return new TestDevice(uuid, fixture.registeredDevice(provisioningKey, uuid, DEVICE_TYPE));
  }

  /**
   * Adds user {@code username} with an API token, as {@code role} of the organization (no
   * membership when null), and returns the token.
   */
  String user(String username, Role role) {
    return fixture.user(username, role == null ? null : organization, role);
  }

  /** Returns how many log lines of {@code uuid} are stored. */
  long storedLines(String uuid) {
    return fixture
        .jdbc()
        .sql(
            "SELECT COUNT(*) FROM device_log l JOIN device d ON d.id = l.device_id"
                + " WHERE d.uuid = ?")
        .param(uuid)
        .query(Long.class)
        .single();
  }
}
