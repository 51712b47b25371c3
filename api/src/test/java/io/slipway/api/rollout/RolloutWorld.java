package io.slipway.api.rollout;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;

import io.slipway.api.access.Role;
import io.slipway.api.fleet.ControlPlaneFixture;
import io.slipway.api.fleet.ControlPlaneFixture.Response;
import io.slipway.api.server.TestImages;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A running server for the rollout tests, with fleets of registered devices and a successful
 * release in each, all made through the API. Unless a test sets another, the scheduler's own tick
 * is set to an hour, so that tests tick by calling {@link #tick()} and see each step happen when
 * they expect it.
 */
final class RolloutWorld implements AutoCloseable {

  static final String DEVICE_TYPE = "generic-amd64";

  private final ControlPlaneFixture fixture;
  private final AtomicInteger fleets = new AtomicInteger();

  /** A registered device: its UUID and device key. */
  record TestDevice(String uuid, String key) {}

  /**
   * A fleet with devices and a successful release, and tokens of its organization's members.
   *
   * @param org the organization's slug
   * @param fleet the fleet's slug
   * @param devices its devices, in registration order
   * @param previousReleaseId the release the fleet is pinned to
   * @param releaseId a newer successful release of the fleet, to roll out
   * @param releaseManager API token of a release manager
   * @param viewer API token of a viewer
   */
  record TestFleet(
      String org,
      String fleet,
      List<TestDevice> devices,
      long previousReleaseId,
      long releaseId,
      String releaseManager,
      String viewer) {

    String rolloutsPath() {
      return "/api/v1/orgs/" + org + "/fleets/" + fleet + "/rollouts";
    }
  }

  private RolloutWorld(ControlPlaneFixture fixture) {
    this.fixture = fixture;
  }

  static RolloutWorld start(TestDatabase database, Path dataDirectory) {
    return start(database, dataDirectory, "PT1H");
  }

  /** Starts a server whose scheduler ticks every {@code tick}, an ISO-8601 duration. */
  static RolloutWorld start(TestDatabase database, Path dataDirectory, String tick) {
    return new RolloutWorld(
        ControlPlaneFixture.start(database, dataDirectory, "--slipway.rollout.tick=" + tick));
  }

  ControlPlaneFixture fixture() {
    return fixture;
  }

  /**
   * Creates an organization with one fleet of {@code deviceCount} devices, pinned to one release,
   * and a newer release to roll out.
   */
  TestFleet fleet(int deviceCount) {
    int number = fleets.incrementAndGet();
    String org = "rollout-org-" + number;
    String fleet = "fleet-" + number;
    fixture.createOrganization(org);
    fixture.createFleet(org, fleet, DEVICE_TYPE, false);
    String releaseManager = fixture.user("manager-" + number, org, Role.RELEASE_MANAGER);
    String viewer = fixture.user("viewer-" + number, org, Role.VIEWER);

    String provisioningKey = fixture.provisioningKey(org, fleet, "{\"name\":\"factory\"}");
    List<TestDevice> devices = new ArrayList<>();
    for (int i = 0; i < deviceCount; i++) {
      String uuid = ControlPlaneFixture.newUuid();
      devices.add(
          new TestDevice(uuid, fixture.registeredDevice(provisioningKey, uuid, DEVICE_TYPE)));
    }
    long previous = release(org, fleet);
    expect(
        fixture.put(
            "/api/v1/orgs/" + org + "/fleets/" + fleet + "/target",
            fixture.adminToken(),
            "{\"releaseId\": " + previous + "}"),
        200);
    long next = release(org, fleet);
    return new TestFleet(org, fleet, devices, previous, next, releaseManager, viewer);
  }

  /**
   * Creates a release of {@code org/fleet} with one service, an image pushed to the server's
   * registry, and finishes it successfully, which signs it.
   */
  long release(String org, String fleet) {
    String admin = fixture.adminToken();
    long id =
        expect(
                fixture.post("/api/v1/orgs/" + org + "/fleets/" + fleet + "/releases", admin, "{}"),
                201)
            .json()
            .path("id")
            .asLong();
    String image = TestImages.push(fixture.server(), org + "/" + fleet + "/web");
    expect(
        fixture.patch(
            "/api/v1/releases/" + id,
            admin,
            "{\"services\": {\"web\": {\"image\": \"" + image + "\"}}, \"status\": \"SUCCESS\"}"),
        200);
    return id;
  }

  /** Gives {@code device} the tag {@code name} with {@code value} as the administrator. */
  void tag(TestDevice device, String name, String value) {
    expect(
        fixture.put(
            "/api/v1/devices/" + device.uuid() + "/tags/" + name,
            fixture.adminToken(),
            "{\"value\": \"" + value + "\"}"),
        200);
  }

  /** Gives {@code device} the tag {@code tag} as the administrator. */
  void tag(TestDevice device, String tag) {
    expect(
        fixture.put(
            "/api/v1/devices/" + device.uuid() + "/tags/" + tag, fixture.adminToken(), "{}"),
        200);
  }

  /**
   * Reports, with the device's own key, that its service {@code web} of {@code releaseId} has
   * {@code status} ({@code running}, {@code failed}, ...).
   */
  void report(TestDevice device, long releaseId, String status) {
    Response response =
        fixture.patch(
            "/device/v1/" + device.uuid() + "/state",
            device.key(),
            "{\"releaseId\": "
                + releaseId
                + ", \"services\": {\"web\": {\"status\": \""
                + status
                + "\"}}}");
    if (response.status() / 100 != 2) {
      throw new AssertionError("State report of " + device.uuid() + " failed: " + response.body());
    }
  }

  /** Creates a rollout of {@code fleet} as its release manager with {@code body}. */
  Response create(TestFleet fleet, String body) {
    return fixture.post(fleet.rolloutsPath(), fleet.releaseManager(), body);
  }

  /** Creates a rollout and returns it, failing unless the server responds with 201. */
  JsonNode created(TestFleet fleet, String body) {
    return expect(create(fleet, body), 201).json();
  }

  /** Sends {@code POST /api/v1/rollouts/{id}/{action}} with {@code token}. */
  Response act(long id, String action, String token, String body) {
    return fixture.post("/api/v1/rollouts/" + id + "/" + action, token, body);
  }

  /** Reads a rollout as the administrator. */
  JsonNode rollout(long id) {
    return expect(fixture.get("/api/v1/rollouts/" + id, fixture.adminToken()), 200).json();
  }

  /** Runs one scheduler tick, as the server does every {@code slipway.rollout.tick}. */
  void tick() {
    fixture.server().getBean(RolloutScheduler.class).tick();
  }

  /** Returns the UUIDs of the devices group {@code position} of the rollout moved. */
  List<String> groupDevices(long rolloutId, int position) {
    return fixture
        .jdbc()
        .sql(
            "SELECT d.uuid FROM rollout_device r JOIN device d ON d.id = r.device_id"
                + " WHERE r.rollout_id = ? AND r.position = ? ORDER BY d.uuid")
        .params(rolloutId, position)
        .query(String.class)
        .list();
  }

  /** Returns the id of the release that {@code device}'s target state names. */
  long targetReleaseOf(TestDevice device) {
    return expect(fixture.get("/device/v1/" + device.uuid() + "/state", device.key()), 200)
        .json()
        .path("release")
        .path("id")
        .asLong();
  }

  /** Returns the device of {@code fleet} with {@code uuid}. */
  static TestDevice device(TestFleet fleet, String uuid) {
    return fleet.devices().stream()
        .filter(device -> device.uuid().equals(uuid))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No device " + uuid + " in " + fleet.fleet()));
  }

  @Override
  public void close() {
    fixture.close();
  }
}
