package io.slipway.api.access;

import static io.slipway.api.access.Endpoint.row;
import static io.slipway.api.access.Principal.ADMIN;
import static io.slipway.api.access.Principal.DEVELOPER;
import static io.slipway.api.access.Principal.DEVICE;
import static io.slipway.api.access.Principal.EVERYONE;
import static io.slipway.api.access.Principal.FOREIGN_DEVICE;
import static io.slipway.api.access.Principal.NON_MEMBER;
import static io.slipway.api.access.Principal.OPERATOR;
import static io.slipway.api.access.Principal.OWNER;
import static io.slipway.api.access.Principal.PROVISIONING_KEY;
import static io.slipway.api.access.Principal.READERS;
import static io.slipway.api.access.Principal.RELEASE_MANAGER;
import static io.slipway.api.access.Principal.SIBLING_DEVICE;
import static io.slipway.api.access.Principal.USERS;
import static io.slipway.api.access.Principal.allow;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The permission matrix: every endpoint under {@code /api/v1} and {@code /device/v1}, and the
 * registry grants of {@code /auth/token}, called by every {@link Principal} on a running server.
 *
 * <p>The table is written by hand from the permission model, not read from the code under test:
 * {@link RolePermissions} for members, every permission for server administrators, and least
 * privilege for keys. A provisioning key only registers a device, and a device key reaches only its
 * own device's endpoints under {@code /device/v1}, its own fleet's deltas and pull on its own
 * fleet's repositories.
 *
 * <p>A request is denied when it returns {@code 401}, {@code 403}, or one of the {@code 404} codes
 * that access control gives to callers outside the organization. Any other response counts as
 * allowed: a success, or a {@code 400} or {@code 409} about a deliberately harmless body.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PermissionMatrixIT {

  private static final Logger log = LoggerFactory.getLogger(PermissionMatrixIT.class);

  /** The {@code 404} codes that hide a resource from a caller outside its organization. */
  private static final Set<String> HIDING_CODES =
      Set.of(
          "ORGANIZATION_NOT_FOUND",
          "FLEET_NOT_FOUND",
          "DEVICE_NOT_FOUND",
          "RELEASE_NOT_FOUND",
          "ROLLOUT_NOT_FOUND",
          "DELTA_IMAGE_UNKNOWN",
          "DELTA_PAYLOAD_NOT_FOUND");

  private static final Set<Principal> OWNERS = allow(OWNER, ADMIN);
  private static final Set<Principal> DEVICE_MANAGERS = allow(OWNER, OPERATOR, ADMIN);

  /** Server administrators are left out: they control devices only with support access. */
  private static final Set<Principal> DEVICE_CONTROLLERS = allow(OWNER, OPERATOR);

  private static final Set<Principal> VARIABLE_WRITERS = allow(OWNER, DEVELOPER, ADMIN);
  private static final Set<Principal> RELEASE_CREATORS = allow(OWNER, DEVELOPER, ADMIN);
  private static final Set<Principal> PROMOTERS = allow(OWNER, RELEASE_MANAGER, ADMIN);
  private static final Set<Principal> ADMINS = allow(ADMIN);
  private static final Set<Principal> THE_DEVICE = allow(DEVICE);

  /**
   * Device endpoints without a UUID act on the calling device, so every device of the fleet may
   * call them; a device of another fleet finds none of the fleet's images or payloads.
   */
  private static final Set<Principal> FLEET_DEVICES = allow(DEVICE, SIBLING_DEVICE);

  private static final Function<MatrixWorld, Target> SUCCESSFUL_RELEASE =
      world -> world.shared().idOf("release");
  private static final Function<MatrixWorld, Target> RUNNING_RELEASE =
      world -> world.shared().idOf("runningRelease");
  private static final Function<MatrixWorld, Target> WAITING_ROLLOUT =
      world -> world.shared().idOf("rollout");

  private static final String FLEET = "/api/v1/orgs/{org}/fleets/{fleet}";
  private static final String DEVICES = "/api/v1/devices/{uuid}";
  private static final String SIGNING_KEYS = "/api/v1/signing/keys";

  private static final List<Endpoint> ENDPOINTS =
      List.of(
          // Signing in, and documents anyone may read.
          row("POST", "/api/v1/auth/login", EVERYONE)
              .body("{\"username\":\"{loginUser}\",\"password\":\"{loginPassword}\"}"),
          row("POST", "/api/v1/auth/logout", USERS),
          row("GET", "/api/v1/auth/oidc/providers", EVERYONE),
          row("GET", "/api/v1/auth/oidc/{provider}/authorize", EVERYONE),
          row("GET", "/api/v1/auth/oidc/{provider}/callback", EVERYONE),
          row("GET", "/api/v1/openapi.json", EVERYONE),
          row("GET", "/api/v1/openapi.json.yaml", EVERYONE),
          row("GET", "/api/v1/device-types", EVERYONE),

          // The caller's own account.
          row("GET", "/api/v1/user", USERS),
          row("PUT", "/api/v1/user/password", USERS).body("{\"newPassword\":\"short\"}"),
          row("GET", "/api/v1/user/totp", USERS),
          row("POST", "/api/v1/user/totp", USERS),
          row("POST", "/api/v1/user/totp/confirm", USERS)
              .body("{\"code\":\"{code}\"}")
              .onFor(MatrixWorld::totpEnrolment),
          row("DELETE", "/api/v1/user/totp", USERS).body("{}"),
          row("POST", "/api/v1/user/recovery-codes", USERS).body("{}"),
          row("GET", "/api/v1/user/api-tokens", USERS),
          row("POST", "/api/v1/user/api-tokens", USERS)
              .body("{\"name\":\"token-{n}\"}")
              .on(MatrixWorld::numbered),
          row("DELETE", "/api/v1/user/api-tokens/{id}", USERS).onFor(MatrixWorld::freshApiToken),
          row("GET", "/api/v1/user/ssh-keys", USERS),
          row("POST", "/api/v1/user/ssh-keys", USERS)
              .body("{\"name\":\"key-{n}\",\"publicKey\":\"{publicKey}\"}")
              .on(MatrixWorld::freshPublicKey),
          row("DELETE", "/api/v1/user/ssh-keys/{id}", USERS).onFor(MatrixWorld::freshSshKey),

          // Users and the whole server's audit log: server administrators only.
          row("POST", "/api/v1/users", ADMINS)
              .body("{\"username\":\"new-{n}\",\"password\":\"{loginPassword}\"}")
              .on(MatrixWorld::numbered),
          row("GET", "/api/v1/users", ADMINS),
          row("PATCH", "/api/v1/users/{username}", ADMINS)
              .body("{\"disabled\":true}")
              .on(MatrixWorld::freshUser),
          row("GET", "/api/v1/audit-log", ADMINS),
          row("POST", "/api/v1/registry/garbage-collection", ADMINS).query("dryRun=true"),

          // Signing keys: every user reads the public keys; administrators manage them. The import
          // body contains no key, so administrators get 400.
          row("GET", SIGNING_KEYS, USERS),
          row("POST", SIGNING_KEYS, ADMINS).body("{\"algorithm\":\"ED25519\"}"),
          row("POST", SIGNING_KEYS + "/import", ADMINS).body("{\"privateKeyPem\":\"none\"}"),
          row("POST", SIGNING_KEYS + "/{id}/activate", ADMINS).on(MatrixWorld::freshSigningKey),
          row("POST", SIGNING_KEYS + "/{id}/retire", ADMINS).on(MatrixWorld::freshSigningKey),
          row("POST", SIGNING_KEYS + "/{id}/revoke", ADMINS).on(MatrixWorld::freshSigningKey),

          // Organizations and members.
          row("POST", "/api/v1/orgs", USERS)
              .body("{\"slug\":\"org-{n}\"}")
              .on(MatrixWorld::numbered),
          row("GET", "/api/v1/orgs", USERS),
          row("GET", "/api/v1/orgs/{org}", READERS),
          row("GET", "/api/v1/orgs/{org}/members", READERS),
          row("PUT", "/api/v1/orgs/{org}/members/{username}", OWNERS)
              .body("{\"role\":\"viewer\"}")
              .on(MatrixWorld::freshUser),
          row("DELETE", "/api/v1/orgs/{org}/members/{username}", OWNERS)
              .on(MatrixWorld::freshMember),
          row("GET", "/api/v1/orgs/{org}/audit-log", OWNERS),

          // Fleets, their variables, provisioning keys and devices.
          row("GET", "/api/v1/orgs/{org}/fleets", READERS),
          row("POST", "/api/v1/orgs/{org}/fleets", OWNERS)
              .body("{\"slug\":\"fleet-{n}\",\"deviceType\":\"generic-amd64\"}")
              .on(MatrixWorld::numbered),
          row("GET", FLEET, READERS),
          row("PATCH", FLEET, OWNERS).body("{\"name\":\"Main fleet\"}"),
          row("DELETE", FLEET, OWNERS).on(MatrixWorld::freshFleet),
          row("GET", FLEET + "/variables", READERS),
          row("GET", FLEET + "/variables/{name}", READERS),
          row("PUT", FLEET + "/variables/{name}", VARIABLE_WRITERS).body("{\"value\":\"hello\"}"),
          row("DELETE", FLEET + "/variables/{name}", VARIABLE_WRITERS)
              .on(MatrixWorld::freshFleetVariable),
          row("GET", FLEET + "/provisioning-keys", OWNERS),
          row("POST", FLEET + "/provisioning-keys", OWNERS)
              .body("{\"name\":\"key-{n}\"}")
              .on(MatrixWorld::numbered),
          row("DELETE", FLEET + "/provisioning-keys/{id}", OWNERS)
              .on(MatrixWorld::freshProvisioningKey),
          row("GET", FLEET + "/devices", READERS),
          // A fleet's config.json and configured image hold a new provisioning key. No base image
          // is stored for the fleet's device type, so callers who may download get 404
          // OS_IMAGE_NOT_FOUND.
          row("POST", FLEET + "/os-config", OWNERS).body("{}"),
          row("GET", FLEET + "/os-image", OWNERS).query("format=img"),

          // Base OS images: every user lists them; administrators upload and delete. The upload
          // names an unknown device type, and the signature and the delete a version never stored,
          // so administrators get 400 and 404.
          row("GET", "/api/v1/os-images", USERS),
          row("POST", "/api/v1/os-images", ADMINS)
              .query("deviceType=unknown&version=1.0&sha256=" + "0".repeat(64)),
          row("PUT", "/api/v1/os-images/{deviceType}/{version}/signature", ADMINS)
              .body("{}")
              .on(
                  world ->
                      world.shared().with("deviceType", "generic-amd64").with("version", "0.1")),
          row("DELETE", "/api/v1/os-images/{deviceType}/{version}", ADMINS)
              .on(
                  world ->
                      world.shared().with("deviceType", "generic-amd64").with("version", "0.1")),

          // Devices as people see them.
          row("GET", DEVICES, READERS),
          row("PATCH", DEVICES, DEVICE_MANAGERS).body("{\"name\":\"device-one\"}"),
          row("DELETE", DEVICES, DEVICE_MANAGERS).on(MatrixWorld::freshDevice),
          row("POST", DEVICES + "/approve", OWNERS).on(MatrixWorld::freshUnapprovedDevice),
          row("PUT", DEVICES + "/tags/{tag}", DEVICE_MANAGERS).body("{\"value\":\"yes\"}"),
          row("DELETE", DEVICES + "/tags/{tag}", DEVICE_MANAGERS).on(MatrixWorld::freshTag),
          row("GET", DEVICES + "/variables", READERS),
          row("GET", DEVICES + "/variables/{name}", READERS),
          row("PUT", DEVICES + "/variables/{name}", VARIABLE_WRITERS).body("{\"value\":\"hello\"}"),
          row("DELETE", DEVICES + "/variables/{name}", VARIABLE_WRITERS)
              .on(MatrixWorld::freshDeviceVariable),
          row("PUT", DEVICES + "/pin", PROMOTERS).body("{\"releaseId\":{release}}"),
          row("DELETE", DEVICES + "/pin", PROMOTERS),
          row("GET", DEVICES + "/logs", READERS),
          row("GET", DEVICES + "/logs/stream", READERS),
          row("GET", DEVICES + "/state", READERS),
          row("DELETE", DEVICES + "/key", DEVICE_MANAGERS).on(MatrixWorld::freshDevice),

          // The control channel's switches. Server administrators control devices only with
          // support access, and these rows come before the support access rows, so none is open.
          row("GET", FLEET + "/control-channel", READERS),
          // Switching off: switching on also needs support access, which SupportAccessIT checks.
          row("PUT", FLEET + "/control-channel", OWNERS).body("{\"enabled\":false}"),
          row("GET", DEVICES + "/control-channel", READERS),
          row("PUT", DEVICES + "/control-channel", DEVICE_CONTROLLERS).body("{\"enabled\":null}"),

          // Support access: only an owner grants it, never an administrator for themselves. The
          // DELETE row ends every grant the POST row opened, so later rows see none.
          row("POST", FLEET + "/support-access", allow(OWNER)).body("{\"for\":\"PT1H\"}"),
          row("GET", FLEET + "/support-access", OWNERS),
          row("DELETE", FLEET + "/support-access", OWNERS),

          // Releases and the fleet's target.
          row("GET", FLEET + "/releases", READERS),
          row("POST", FLEET + "/releases", RELEASE_CREATORS)
              .body("{\"version\":\"2.0.{n}\"}")
              .on(MatrixWorld::numbered),
          row("GET", "/api/v1/releases/{id}", READERS).on(SUCCESSFUL_RELEASE),
          row("PATCH", "/api/v1/releases/{id}", RELEASE_CREATORS).body("{}").on(RUNNING_RELEASE),
          row("GET", "/api/v1/releases/{id}/logs", READERS).on(SUCCESSFUL_RELEASE),
          row("GET", "/api/v1/releases/{id}/logs/stream", READERS).on(SUCCESSFUL_RELEASE),
          // A JSON body is not a build source: callers who may build get 415, others are denied
          // before the body is looked at.
          row("POST", FLEET + "/builds", RELEASE_CREATORS).body("{}"),
          // A deploy naming no images is refused with 400 for callers who may deploy.
          row("POST", FLEET + "/deployments", RELEASE_CREATORS).body("{}"),
          row("POST", "/api/v1/releases/{id}/logs", RELEASE_CREATORS)
              .body("{\"lines\":[\"step 1 of 1\"]}")
              .on(RUNNING_RELEASE),
          row("POST", "/api/v1/releases/{id}/invalidate", PROMOTERS).on(MatrixWorld::freshRelease),
          row("GET", FLEET + "/target", READERS),
          row("PUT", FLEET + "/target", PROMOTERS).body("{\"trackLatest\":true}"),

          // Staged rollouts.
          row("GET", FLEET + "/rollouts", READERS),
          row("POST", FLEET + "/rollouts", PROMOTERS)
              .body("{\"releaseId\":{release},\"groups\":[{\"percentage\":100}]}")
              .on(MatrixWorld::freshRolloutFleet),
          row("GET", "/api/v1/rollouts/{id}", READERS).on(WAITING_ROLLOUT),
          row("POST", "/api/v1/rollouts/{id}/approve", PROMOTERS)
              .on(world -> world.freshRollout(true, false)),
          row("POST", "/api/v1/rollouts/{id}/pause", PROMOTERS)
              .on(world -> world.freshRollout(false, false)),
          row("POST", "/api/v1/rollouts/{id}/resume", PROMOTERS)
              .on(world -> world.freshRollout(false, true)),
          row("POST", "/api/v1/rollouts/{id}/next-group", PROMOTERS)
              .body("{\"fromGroup\":0}")
              .on(world -> world.freshRollout(false, false)),
          row("POST", "/api/v1/rollouts/{id}/cancel", PROMOTERS)
              .on(world -> world.freshRollout(false, false)),

          // Commands over the control channel. The bodies are invalid, so callers who may send get
          // 400 whether or not a broker runs, and no device is ever asked to do anything.
          row("POST", DEVICES + "/commands", DEVICE_CONTROLLERS)
              .body("{\"type\":\"restart-service\"}"),
          row("GET", DEVICES + "/commands", DEVICE_CONTROLLERS),
          row("GET", DEVICES + "/commands/{id}", DEVICE_CONTROLLERS)
              .on(world -> world.shared().with("id", "cmd_none")),
          row("POST", FLEET + "/commands", DEVICE_CONTROLLERS).body("{\"type\":\"reboot\"}"),

          // Devices with their own keys, and registration with a provisioning key.
          row("POST", "/device/v1/register", allow(PROVISIONING_KEY))
              .body("{\"uuid\":\"{newUuid}\",\"deviceType\":\"generic-amd64\"}")
              .on(MatrixWorld::freshDeviceUuid),
          row("GET", "/device/v1/{uuid}", THE_DEVICE),
          row("PATCH", "/device/v1/{uuid}", THE_DEVICE).body("{\"osVersion\":\"Slipway OS 1.0\"}"),
          row("GET", "/device/v1/{uuid}/fleet", THE_DEVICE),
          row("GET", "/device/v1/{uuid}/control-channel", THE_DEVICE),
          row("GET", "/device/v1/{uuid}/variables", THE_DEVICE),
          row("GET", "/device/v1/{uuid}/fleet/releases/{id}/logs", THE_DEVICE)
              .on(SUCCESSFUL_RELEASE),
          row("GET", "/device/v1/{uuid}/releases/{id}/signature", THE_DEVICE)
              .on(SUCCESSFUL_RELEASE),
          row("GET", "/device/v1/{uuid}/state", THE_DEVICE),
          row("PATCH", "/device/v1/{uuid}/state", THE_DEVICE).body("{\"services\":{}}"),
          row("GET", "/device/v1/{uuid}/state/signed", THE_DEVICE),
          row("GET", "/device/v1/{uuid}/signing-keys", THE_DEVICE),
          row("GET", "/device/v1/{uuid}/signing-keys/signed", THE_DEVICE),
          row("POST", "/device/v1/{uuid}/logs", THE_DEVICE)
              .body("[{\"timestamp\":1700000000000,\"message\":\"booted\"}]"),
          row("GET", "/device/v1/delta", FLEET_DEVICES).query("to={deltaTarget}"),
          row("GET", "/device/v1/delta/payloads/{digest}", FLEET_DEVICES));

  /** Registry scopes asked of {@code /auth/token}, and who must get the action asked for. */
  private static final List<Grant> GRANTS =
      List.of(
          new Grant("repository:acme/main/web:pull", allow(READERS, DEVICE, SIBLING_DEVICE)),
          new Grant("repository:acme/main/web:push", RELEASE_CREATORS),
          new Grant("repository:acme/main/web:delete", ADMINS),
          new Grant("repository:acme/other/web:pull", allow(READERS, FOREIGN_DEVICE)),
          new Grant("repository:elsewhere/tools/web:pull", allow(NON_MEMBER, ADMIN)),
          new Grant("registry:catalog:*", ADMINS));

  /**
   * Requests on paths the caller may use whose ids or bodies name another organization's, user's or
   * fleet's object. Each must be rejected with a 4xx and change nothing.
   */
  private static final List<CrossReference> CROSS_REFERENCES =
      List.of(
          new CrossReference(
              NON_MEMBER,
              "DELETE",
              "/api/v1/orgs/elsewhere/fleets/tools/provisioning-keys/{guardedKeyId}",
              null),
          new CrossReference(
              NON_MEMBER,
              "PUT",
              "/api/v1/orgs/elsewhere/fleets/tools/target",
              "{\"releaseId\":{release}}"),
          new CrossReference(
              NON_MEMBER,
              "POST",
              "/api/v1/orgs/elsewhere/fleets/tools/rollouts",
              "{\"releaseId\":{release},\"groups\":[{\"percentage\":100}]}"),
          new CrossReference(OWNER, "DELETE", "/api/v1/user/api-tokens/{viewerTokenId}", null),
          new CrossReference(OWNER, "DELETE", "/api/v1/user/ssh-keys/{viewerSshKeyId}", null),
          new CrossReference(
              RELEASE_MANAGER,
              "PUT",
              "/api/v1/devices/{uuid}/pin",
              "{\"releaseId\":{otherFleetRelease}}"),
          new CrossReference(
              RELEASE_MANAGER,
              "PUT",
              "/api/v1/orgs/{org}/fleets/{fleet}/target",
              "{\"releaseId\":{otherFleetRelease}}"),
          new CrossReference(
              DEVICE, "GET", "/device/v1/{uuid}/fleet/releases/{otherFleetRelease}/logs", null),
          new CrossReference(
              DEVICE, "GET", "/device/v1/{uuid}/releases/{otherFleetRelease}/signature", null),
          new CrossReference(
              DEVICE,
              "PATCH",
              "/device/v1/{uuid}/state",
              "{\"releaseId\":{otherFleetRelease},\"services\":{}}"));

  @TempDir static Path dataDirectory;

  private MatrixWorld world;

  @BeforeAll
  void start() throws Exception {
    world = MatrixWorld.start(dataDirectory);
  }

  @AfterAll
  void stop() {
    world.close();
  }

  @Test
  void everyPrincipalGetsWhatTheTableAllows() {
    List<String> wrong = new ArrayList<>();

    for (Endpoint endpoint : ENDPOINTS) {
      for (Principal caller : Principal.values()) {
        String mismatch = check(endpoint, caller);
        if (mismatch != null) {
          wrong.add(mismatch);
        }
      }
    }
    for (Grant grant : GRANTS) {
      for (Principal caller : Principal.values()) {
        String mismatch = check(grant, caller);
        if (mismatch != null) {
          wrong.add(mismatch);
        }
      }
    }
    log.info(
        "Permission matrix: {} endpoints and {} registry scopes for {} principals, {} mismatches",
        ENDPOINTS.size(),
        GRANTS.size(),
        Principal.values().length,
        wrong.size());

    assertThat(wrong).as("calls whose outcome differs from the table").isEmpty();
  }

  @Test
  void idsOfOtherTenantsReachNothing() {
    Target target = world.shared();
    List<String> wrong = new ArrayList<>();

    for (CrossReference reference : CROSS_REFERENCES) {
      String path = target.fill(reference.path());
      String body = reference.body() == null ? null : target.fill(reference.body());
      MatrixWorld.Response response =
          world.send(reference.method(), path, world.token(reference.caller(), target), body);
      if (response.status() < 400 || response.status() >= 500) {
        wrong.add(
            reference.method()
                + " "
                + path
                + " as "
                + reference.caller()
                + ": expected a 4xx but got "
                + response.status()
                + " "
                + shorten(response.body()));
      }
    }

    assertThat(wrong).as("requests that reached another tenant's object").isEmpty();
    assertThat(registersDevice()).as("the provisioning key still registers").isTrue();
    assertThat(world.send("GET", "/api/v1/user", world.spareViewerToken(), null).status())
        .as("the viewer's API token still works")
        .isEqualTo(200);
    assertThat(world.viewerSshKeys()).as("the viewer's SSH keys").isEqualTo(1);
  }

  @Test
  void unapprovedDeviceKeyReachesNoDeviceEndpoint() {
    List<String> wrong = new ArrayList<>();

    for (Endpoint endpoint : ENDPOINTS) {
      if (!endpoint.path().startsWith("/device/v1/") || endpoint.key().contains("/register")) {
        continue;
      }
      Target target = world.freshUnapprovedDevice().idOf("release");
      String path = target.fill(endpoint.path()) + target.fill(endpoint.query());
      String body = endpoint.body() == null ? null : target.fill(endpoint.body());
      MatrixWorld.Response response = world.send(endpoint.method(), path, target.deviceKey(), body);
      if (!isDenied(response)) {
        wrong.add(endpoint.key() + ": got " + response.status() + " " + shorten(response.body()));
      }
    }

    assertThat(wrong).as("device endpoints that an unapproved device reached").isEmpty();
  }

  @Test
  void tableHasARowForEveryEndpoint() {
    Set<String> mapped = mappedEndpoints();
    Set<String> rows = new TreeSet<>();
    ENDPOINTS.forEach(endpoint -> rows.add(endpoint.key()));

    Set<String> missing = new TreeSet<>(mapped);
    missing.removeAll(rows);
    Set<String> stale = new TreeSet<>(rows);
    stale.removeAll(mapped);

    assertThat(missing).as("endpoints that have no row in the table").isEmpty();
    assertThat(stale).as("rows for endpoints that the server does not map").isEmpty();
  }

  @Test
  void tableHasOneRowPerEndpoint() {
    List<String> keys = ENDPOINTS.stream().map(Endpoint::key).toList();

    assertThat(keys).doesNotHaveDuplicates();
  }

  /** Calls {@code endpoint} as {@code caller}; returns a description of a mismatch, or null. */
  private String check(Endpoint endpoint, Principal caller) {
    String call = endpoint.key() + " as " + caller;
    Target target;
    try {
      target = endpoint.fixture().prepare(world, caller);
    } catch (RuntimeException e) {
      return call + ": set-up failed: " + e.getMessage();
    }

    String path = target.fill(endpoint.path()) + target.fill(endpoint.query());
    String body = endpoint.body() == null ? null : target.fill(endpoint.body());
    MatrixWorld.Response response =
        world.send(endpoint.method(), path, world.token(caller, target), body);

    if (response.status() >= 500 || response.status() == 405 || isUnmapped(response)) {
      return call + ": unexpected " + response.status() + " " + shorten(response.body());
    }
    boolean allowed = endpoint.allowed().contains(caller);
    if (allowed == isDenied(response)) {
      return call
          + ": expected "
          + (allowed ? "allowed" : "denied")
          + " but got "
          + response.status()
          + " "
          + shorten(response.body());
    }
    return null;
  }

  /** Asks for {@code grant}'s scope as {@code caller}; returns a description of a mismatch. */
  private String check(Grant grant, Principal caller) {
    Set<String> actions = world.grantedActions(caller, grant.scope());
    String action = grant.scope().substring(grant.scope().lastIndexOf(':') + 1);
    boolean granted = actions != null && actions.contains(action);
    boolean allowed = grant.allowed().contains(caller);
    if (granted == allowed) {
      return null;
    }
    return "/auth/token "
        + grant.scope()
        + " as "
        + caller
        + ": expected "
        + (allowed ? "granted" : "not granted")
        + " but got "
        + (actions == null ? "a rejected request" : "actions " + actions);
  }

  private static String shorten(String body) {
    return body.length() <= 300 ? body : body.substring(0, 300) + "...";
  }

  private static boolean isDenied(MatrixWorld.Response response) {
    int status = response.status();
    return status == 401
        || status == 403
        || (status == 404 && HIDING_CODES.contains(response.code()));
  }

  /** Returns true for the response to a path that no controller maps. */
  private static boolean isUnmapped(MatrixWorld.Response response) {
    return response.status() == 404 && response.code().equals("NOT_FOUND");
  }

  /** Returns {@code METHOD /path} of every handler mapping under the two API trees. */
  private Set<String> mappedEndpoints() {
    RequestMappingHandlerMapping mapping =
        world.server().getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
    Set<String> endpoints = new TreeSet<>();
    mapping
        .getHandlerMethods()
        .keySet()
        .forEach(
            info -> {
              for (String path : patterns(info)) {
                if (!path.startsWith("/api/v1/") && !path.startsWith("/device/v1/")) {
                  continue;
                }
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                if (methods.isEmpty()) {
                  endpoints.add("ANY " + path);
                }
                methods.forEach(method -> endpoints.add(method.name() + " " + path));
              }
            });
    return endpoints;
  }

  private static List<String> patterns(RequestMappingInfo info) {
    return info.getPatternValues().stream()
        .map(pattern -> pattern.replaceAll("\\{([^}:]+):[^}]*}", "{$1}"))
        .toList();
  }

  private boolean registersDevice() {
    Target target = world.freshDeviceUuid();
    String body = target.fill("{\"uuid\":\"{newUuid}\",\"deviceType\":\"generic-amd64\"}");
    return world.send("POST", "/device/v1/register", world.guardedProvisioningKey(), body).status()
        == 201;
  }

  /** A request by {@code caller} whose path or body names an object the caller may not reach. */
  private record CrossReference(Principal caller, String method, String path, String body) {}

  /** A registry scope and the principals that must be granted its action. */
  private record Grant(String scope, Set<Principal> allowed) {}
}
