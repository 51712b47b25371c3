package io.slipway.api.access;

import io.slipway.api.account.UserRepository;
import io.slipway.api.account.totp.Base32;
import io.slipway.api.account.totp.Totp;
import io.slipway.api.apitoken.ApiTokenRepository;
import io.slipway.api.delta.DeltaPair;
import io.slipway.api.delta.DeltaRepository;
import io.slipway.api.delta.ImageLocation;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.BearerSecret;
import io.slipway.api.registry.token.TestTokens;
import io.slipway.api.server.HttpTestClient;
import io.slipway.api.server.TestImages;
import io.slipway.api.server.TestServers;
import io.slipway.delta.image.Digest;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.auth.TokenVerifier;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.keystore.SigningKeyStore;
import io.slipway.storage.BlobStore;
import io.slipway.storage.StorageKey;
import io.slipway.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running server with one organization set up for the permission matrix: a member in each role, a
 * user of another organization, three fleets with devices and provisioning keys, variables, a tag,
 * releases and a rollout. Users are inserted through the repositories; everything else goes through
 * the API as the owner or the server administrator. The {@code fresh...} methods create a new
 * target for one destructive request, so the order of the principals does not matter.
 */
final class MatrixWorld implements AutoCloseable {

  static final String ORG = "acme";
  static final String FLEET = "main";
  static final String OTHER_FLEET = "other";
  static final String GATED_FLEET = "gated";
  static final String OTHER_ORG = "elsewhere";
  static final String OTHER_ORG_FLEET = "tools";
  static final String DEVICE_TYPE = "generic-amd64";
  static final String VARIABLE = "GREETING";
  static final String TAG = "canary";

  /** Password of the user that the login row signs in as; long enough for the password rule. */
  static final String LOGIN_PASSWORD = "matrix-login-7f3k-Quay";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ConfigurableApplicationContext server;
  private final String base;
  private final TokenVerifier verifier;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final AtomicInteger counter = new AtomicInteger();
  private final Map<Principal, String> tokens = new EnumMap<>(Principal.class);
  private final Map<Principal, String> usernames = new EnumMap<>(Principal.class);

  private String provisioningKeyId;
  private String siblingUuid;
  private String foreignUuid;
  private String spareViewerToken;
  private String guardedProvisioningKey;
  private Target shared;

  /** A response: status, body, and the {@code code} of an error body (empty when none). */
  record Response(int status, String body) {

    String code() {
      if (!body.startsWith("{")) {
        return "";
      }
      return JSON.readTree(body).path("code").asString("");
    }

    JsonNode json() {
      return JSON.readTree(body);
    }
  }

  private MatrixWorld(ConfigurableApplicationContext server, Path dataDirectory) {
    this.server = server;
    this.base = "http://127.0.0.1:" + TestServers.port(server);
    this.verifier =
        TestTokens.verifierFor(dataDirectory.resolve("keys/registry-token-signing.pem"));
  }

  /** Starts a server on a fresh H2 database and sets up the organization. */
  static MatrixWorld start(Path dataDirectory) throws IOException {
    MatrixWorld world =
        new MatrixWorld(TestServers.start(TestDatabase.h2(), dataDirectory), dataDirectory);
    try {
      String admin = Files.readString(dataDirectory.resolve("bootstrap-token")).strip();
      world.setUp(admin);
      return world;
    } catch (RuntimeException | Error e) {
      world.close();
      throw e;
    }
  }

  ConfigurableApplicationContext server() {
    return server;
  }

  /** Returns the target of every request that changes nothing for the next caller. */
  Target shared() {
    return shared;
  }

  private void setUp(String adminToken) {
    setUpUsers(adminToken);
    setUpOrganizations();
    String[] device = setUpDevices();
    String loginUser = setUpLoginUser();

    Map<String, String> values = new LinkedHashMap<>();
    values.put("org", ORG);
    values.put("fleet", FLEET);
    values.put("uuid", device[0]);
    values.put("name", VARIABLE);
    values.put("tag", TAG);
    values.put("loginUser", loginUser);
    values.put("loginPassword", LOGIN_PASSWORD);
    values.put("provider", "no-such-provider");
    shared = new Target(values, device[1]);

    setUpVariablesAndTag(device[0]);
    setUpReleasesAndRollout();
    setUpDelta();
    setUpCrossReferenceTargets();
  }

  /** Inserts a user with an API token for each user principal but the administrator. */
  private void setUpUsers(String adminToken) {
    tokens.put(Principal.ADMIN, adminToken);
    usernames.put(Principal.ADMIN, "admin");
    for (Principal principal : Principal.USERS) {
      if (principal != Principal.ADMIN) {
        String username = principal.name().toLowerCase().replace('_', '-');
        usernames.put(principal, username);
        tokens.put(principal, insertUser(username));
      }
    }
  }

  /** Creates the organization with its members and fleets, and the other user's organization. */
  private void setUpOrganizations() {
    expect("POST", "/api/v1/orgs", Principal.OWNER, "{\"slug\":\"" + ORG + "\"}");
    expect("POST", "/api/v1/orgs", Principal.NON_MEMBER, "{\"slug\":\"" + OTHER_ORG + "\"}");
    expect(
        "POST",
        "/api/v1/orgs/" + OTHER_ORG + "/fleets",
        Principal.NON_MEMBER,
        "{\"slug\":\"" + OTHER_ORG_FLEET + "\",\"deviceType\":\"" + DEVICE_TYPE + "\"}");
    for (Principal member : Principal.MEMBERS) {
      if (member != Principal.OWNER) {
        addMember(usernames.get(member), member.role());
      }
    }
    createFleet(FLEET, false);
    createFleet(OTHER_FLEET, false);
    createFleet(GATED_FLEET, true);
  }

  /**
   * Creates the provisioning key and registers the three devices; returns the UUID and key of the
   * device that shared requests are about.
   */
  private String[] setUpDevices() {
    JsonNode key = createProvisioningKey(FLEET);
    provisioningKeyId = key.path("key").path("id").asString();
    tokens.put(Principal.PROVISIONING_KEY, key.path("secret").asString());
    String[] device = register(FLEET);
    String[] sibling = register(FLEET);
    String[] foreign = register(OTHER_FLEET);
    siblingUuid = sibling[0];
    foreignUuid = foreign[0];
    tokens.put(Principal.SIBLING_DEVICE, sibling[1]);
    tokens.put(Principal.FOREIGN_DEVICE, foreign[1]);
    return device;
  }

  /** Creates a user with a password for the login row; returns the user name. */
  private String setUpLoginUser() {
    String loginUser = "login-" + next();
    expect(
        "POST",
        "/api/v1/users",
        Principal.ADMIN,
        "{\"username\":\"" + loginUser + "\",\"password\":\"" + LOGIN_PASSWORD + "\"}");
    return loginUser;
  }

  private void setUpVariablesAndTag(String uuid) {
    putVariable("/api/v1/orgs/" + ORG + "/fleets/" + FLEET + "/variables/" + VARIABLE);
    putVariable("/api/v1/devices/" + uuid + "/variables/" + VARIABLE);
    expect("PUT", "/api/v1/devices/" + uuid + "/tags/" + TAG, Principal.ADMIN, "{}");
  }

  /** Creates a successful and a running release, and a rollout that waits for approval. */
  private void setUpReleasesAndRollout() {
    long release = successRelease(FLEET);
    long running = runningRelease(FLEET);
    long rollout = createRollout(FLEET, release, true);
    shared =
        shared.with("release", release).with("runningRelease", running).with("rollout", rollout);
  }

  /**
   * Creates a release of the shared fleet whose image no other fleet has, and a stored delta
   * towards that image, so that a device of another fleet finds neither.
   */
  private void setUpDelta() {
    long id = runningRelease(FLEET);
    String image = TestImages.push(server, ORG + "/" + FLEET + "/web", "only in " + FLEET + "\n");
    expect(
        "PATCH",
        "/api/v1/releases/" + id,
        Principal.ADMIN,
        "{\"services\":{\"web\":{\"image\":\"" + image + "\"}},\"status\":\"SUCCESS\"}");
    Digest target = Digest.of(image.substring(image.indexOf('@') + 1));

    byte[] payload = ("a delta payload of " + FLEET).getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.of(payload);
    server
        .getBean(BlobStore.class)
        .write(
            StorageKey.of("deltas", "sha256", digest.hex()),
            new ByteArrayInputStream(payload),
            Long.MAX_VALUE);
    DeltaPair pair = new DeltaPair(Digest.of(TestImages.DIGEST), target);
    String repository = ORG + "/" + FLEET + "/web";
    DeltaRepository deltas = server.getBean(DeltaRepository.class);
    long now = System.currentTimeMillis();
    long fleetId = server.getBean(FleetRepository.class).findBySlugs(ORG, FLEET).orElseThrow().id();
    deltas.claimNew(
        pair, new ImageLocation(fleetId, ORG + "/" + FLEET, repository, repository), "matrix", now);
    deltas.markReady(pair, "matrix", digest, payload.length, 1000, "{}", now);
    shared = shared.with("deltaTarget", target.value()).with("digest", digest.value());
  }

  /**
   * Creates the objects that the cross-reference checks aim at: a provisioning key, the viewer's
   * second API token and SSH key, and a release of another fleet.
   */
  private void setUpCrossReferenceTargets() {
    JsonNode spare =
        expect("POST", "/api/v1/user/api-tokens", Principal.VIEWER, "{\"name\":\"spare\"}").json();
    spareViewerToken = spare.path("token").asString();
    JsonNode sshKey =
        expect(
                "POST",
                "/api/v1/user/ssh-keys",
                Principal.VIEWER,
                "{\"name\":\"laptop\",\"publicKey\":\"" + newEd25519PublicKey() + "\"}")
            .json();
    JsonNode guardedKey = createProvisioningKey(FLEET);
    guardedProvisioningKey = guardedKey.path("secret").asString();
    shared =
        shared
            .with("guardedKeyId", guardedKey.path("key").path("id").asString())
            .with("viewerTokenId", spare.path("id").asString())
            .with("viewerSshKeyId", sshKey.path("id").asString())
            .with("otherFleetRelease", successRelease(OTHER_FLEET));
  }

  /** Returns a provisioning key of the shared fleet that only the cross-reference checks aim at. */
  String guardedProvisioningKey() {
    return guardedProvisioningKey;
  }

  /** Returns an API token of the viewer that only the cross-reference checks aim at. */
  String spareViewerToken() {
    return spareViewerToken;
  }

  /** Returns the number of SSH keys of the viewer. */
  int viewerSshKeys() {
    return send("GET", "/api/v1/user/ssh-keys", tokens.get(Principal.VIEWER), null).json().size();
  }

  // Principals.

  /**
   * Returns the secret {@code caller} sends for a request about {@code target}, or null for {@link
   * Principal#ANONYMOUS}.
   */
  String token(Principal caller, Target target) {
    return caller == Principal.DEVICE ? target.deviceKey() : tokens.get(caller);
  }

  /** Returns the user name that goes with the caller's secret in HTTP Basic or a token form. */
  String subject(Principal caller, Target target) {
    return switch (caller) {
      case DEVICE -> target.values().get("uuid");
      case SIBLING_DEVICE -> siblingUuid;
      case FOREIGN_DEVICE -> foreignUuid;
      case PROVISIONING_KEY -> "provisioning-key:" + provisioningKeyId;
      case ANONYMOUS -> null;
      default -> usernames.get(caller);
    };
  }

  // Fresh targets for destructive requests.

  /** Returns the shared target with a new number as {@code n}, for names that must not repeat. */
  Target numbered() {
    return shared.with("n", next());
  }

  /** Creates a user who is not a member of the organization. */
  Target freshUser() {
    String username = "user-" + next();
    insertUser(username);
    return shared.with("username", username);
  }

  /** Creates a user who is a viewer of the organization. */
  Target freshMember() {
    Target target = freshUser();
    addMember(target.values().get("username"), Role.VIEWER);
    return target;
  }

  /** Creates an empty fleet of the organization. */
  Target freshFleet() {
    String slug = "fleet-" + next();
    createFleet(slug, false);
    return shared.with("fleet", slug);
  }

  /** Creates a variable of the shared fleet. */
  Target freshFleetVariable() {
    String name = "VAR_" + next();
    putVariable("/api/v1/orgs/" + ORG + "/fleets/" + FLEET + "/variables/" + name);
    return shared.with("name", name);
  }

  /** Creates a variable of the shared device. */
  Target freshDeviceVariable() {
    String name = "VAR_" + next();
    putVariable("/api/v1/devices/" + shared.values().get("uuid") + "/variables/" + name);
    return shared.with("name", name);
  }

  /** Creates a provisioning key of the shared fleet. */
  Target freshProvisioningKey() {
    return shared.with("id", createProvisioningKey(FLEET).path("key").path("id").asString());
  }

  /** Registers a device of the shared fleet, which the device principal then is. */
  Target freshDevice() {
    String[] device = register(FLEET);
    return shared.withDevice(device[0], device[1]);
  }

  /** Registers a device of a fleet that requires approval, and leaves it unapproved. */
  Target freshUnapprovedDevice() {
    String[] device = register(GATED_FLEET);
    return shared.withDevice(device[0], device[1]);
  }

  /** Creates a tag of the shared device. */
  Target freshTag() {
    String tag = "tag-" + next();
    expect(
        "PUT",
        "/api/v1/devices/" + shared.values().get("uuid") + "/tags/" + tag,
        Principal.ADMIN,
        "{}");
    return shared.with("tag", tag);
  }

  /** Creates a successful release of the shared fleet. */
  Target freshRelease() {
    return shared.with("id", successRelease(FLEET));
  }

  /** Generates a standby key in the server's signing key store; its URL-safe hint is {@code id}. */
  Target freshSigningKey() {
    SigningKeyStore keys = server.getBean(SigningKeyStore.class);
    return shared.with("id", keys.generate(KeyAlgorithm.ECDSA_P256, null).hint().urlSafe());
  }

  /** Returns a device UUID that no device has yet, as {@code newUuid}, for registration. */
  Target freshDeviceUuid() {
    return shared.with("newUuid", newUuid());
  }

  /**
   * Creates a rollout in a fleet of its own, since a fleet has at most one unfinished rollout.
   *
   * @param approval true for a rollout that waits for approval
   * @param paused true to pause it after it starts
   */
  Target freshRollout(boolean approval, boolean paused) {
    String slug = "rollout-" + next();
    createFleet(slug, false);
    long release = successRelease(slug);
    long rollout = createRollout(slug, release, approval);
    if (paused) {
      expect("POST", "/api/v1/rollouts/" + rollout + "/pause", Principal.ADMIN, null);
    }
    return shared.with("id", rollout);
  }

  /**
   * Creates a fleet with a successful release and no rollout, as {@code fleet} and {@code release}.
   */
  Target freshRolloutFleet() {
    String slug = "rollout-" + next();
    createFleet(slug, false);
    return shared.with("fleet", slug).with("release", successRelease(slug));
  }

  /** Creates an API token of the caller, or of the owner for a caller that is no user. */
  Target freshApiToken(Principal caller) {
    Principal owner = caller.isUser() ? caller : Principal.OWNER;
    Response created =
        expect("POST", "/api/v1/user/api-tokens", owner, "{\"name\":\"spare-" + next() + "\"}");
    return shared.with("id", created.json().path("id").asString());
  }

  /** Returns a new SSH public key in OpenSSH form as {@code publicKey}. */
  Target freshPublicKey() {
    return numbered().with("publicKey", newEd25519PublicKey());
  }

  /** Adds an SSH key to the caller, or to the owner for a caller that is no user. */
  Target freshSshKey(Principal caller) {
    Principal owner = caller.isUser() ? caller : Principal.OWNER;
    Response created =
        expect(
            "POST",
            "/api/v1/user/ssh-keys",
            owner,
            "{\"name\":\"key-" + next() + "\",\"publicKey\":\"" + newEd25519PublicKey() + "\"}");
    return shared.with("id", created.json().path("id").asString());
  }

  /**
   * Starts TOTP enrolment for the caller and returns the current code as {@code code}; a caller
   * that is no user gets a code that matches nothing.
   */
  Target totpEnrolment(Principal caller) {
    if (!caller.isUser()) {
      return shared.with("code", "000000");
    }
    Response enrolment = send("POST", "/api/v1/user/totp", tokens.get(caller), null);
    if (enrolment.status() != 200 && enrolment.status() != 201) {
      // TOTP is already on, so the server rejects this code with a 4xx that is not a denial.
      return shared.with("code", "000000");
    }
    byte[] secret = Base32.decode(enrolment.json().path("secret").asString());
    return shared.with("code", Totp.code(secret, Totp.step(System.currentTimeMillis())));
  }

  // Registry grants.

  /**
   * Asks {@code /auth/token} for {@code scope} as {@code caller} and returns the actions granted on
   * its resource, or null when the request itself is rejected.
   */
  Set<String> grantedActions(Principal caller, String scope) {
    StringBuilder form = new StringBuilder("grant_type=password&service=slipway-registry");
    String username = subject(caller, shared);
    String secret = token(caller, shared);
    if (username != null) {
      form.append("&username=").append(HttpTestClient.encode(username));
      form.append("&password=").append(HttpTestClient.encode(secret));
    }
    form.append("&scope=").append(HttpTestClient.encode(scope));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/auth/token"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
            .build();
    Response response = exchange(request);
    if (response.status() != 200) {
      return null;
    }
    Scope requested = Scope.parse(scope);
    String token = response.json().path("token").asString();
    return verifier.verify(token).grants().stream()
        .filter(granted -> granted.type().equals(requested.type()))
        .filter(granted -> granted.name().equals(requested.name()))
        .flatMap(granted -> granted.actions().stream())
        .collect(Collectors.toSet());
  }

  // HTTP.

  /**
   * Sends {@code method pathAndQuery} with {@code token} as bearer (none when null) and a JSON body
   * (none when null). A stream of server-sent events is closed after its headers.
   */
  Response send(String method, String pathAndQuery, String token, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return exchange(request.build());
  }

  private Response exchange(HttpRequest request) {
    try {
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("text/event-stream")) {
          return new Response(response.statusCode(), "");
        }
        return new Response(
            response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the test server", e);
    }
  }

  /** Sends a set-up request as {@code caller} and fails unless it succeeds. */
  private Response expect(String method, String path, Principal caller, String json) {
    Response response = send(method, path, tokens.get(caller), json);
    if (response.status() / 100 != 2) {
      throw new IllegalStateException(
          "Set-up request "
              + method
              + " "
              + path
              + " as "
              + caller
              + " failed with "
              + response.status()
              + ": "
              + response.body());
    }
    return response;
  }

  // Set-up steps.

  private String insertUser(String username) {
    long now = System.currentTimeMillis();
    long id = server.getBean(UserRepository.class).insert(username, null, null, false, now);
    BearerSecret token = BearerSecret.generate(BearerSecret.API_TOKEN, RANDOM);
    server
        .getBean(ApiTokenRepository.class)
        .insert("matrix", id, username, token.sha256Hex(), now, null);
    return token.value();
  }

  private void addMember(String username, Role role) {
    expect(
        "PUT",
        "/api/v1/orgs/" + ORG + "/members/" + username,
        Principal.OWNER,
        "{\"role\":\"" + role.name().toLowerCase() + "\"}");
  }

  private void createFleet(String slug, boolean requiresApproval) {
    expect(
        "POST",
        "/api/v1/orgs/" + ORG + "/fleets",
        Principal.OWNER,
        "{\"slug\":\""
            + slug
            + "\",\"deviceType\":\""
            + DEVICE_TYPE
            + "\",\"requiresApproval\":"
            + requiresApproval
            + "}");
  }

  private JsonNode createProvisioningKey(String fleet) {
    return expect(
            "POST",
            "/api/v1/orgs/" + ORG + "/fleets/" + fleet + "/provisioning-keys",
            Principal.OWNER,
            "{\"name\":\"key-" + next() + "\"}")
        .json();
  }

  /** Registers a new device of {@code fleet}; returns its UUID and device key. */
  private String[] register(String fleet) {
    String key =
        fleet.equals(FLEET) && tokens.containsKey(Principal.PROVISIONING_KEY)
            ? tokens.get(Principal.PROVISIONING_KEY)
            : createProvisioningKey(fleet).path("secret").asString();
    String uuid = newUuid();
    Response registered =
        send(
            "POST",
            "/device/v1/register",
            key,
            "{\"uuid\":\"" + uuid + "\",\"deviceType\":\"" + DEVICE_TYPE + "\"}");
    if (registered.status() != 201) {
      throw new IllegalStateException("Registration failed: " + registered.body());
    }
    return new String[] {uuid, registered.json().path("deviceKey").asString()};
  }

  private void putVariable(String path) {
    expect("PUT", path, Principal.ADMIN, "{\"value\":\"hello\"}");
  }

  private long runningRelease(String fleet) {
    Response created =
        expect(
            "POST",
            "/api/v1/orgs/" + ORG + "/fleets/" + fleet + "/releases",
            Principal.ADMIN,
            "{\"version\":\"1.0." + next() + "\"}");
    return created.json().path("id").asLong();
  }

  private long successRelease(String fleet) {
    long id = runningRelease(fleet);
    String image = TestImages.push(server, ORG + "/" + fleet + "/web");
    expect(
        "PATCH",
        "/api/v1/releases/" + id,
        Principal.ADMIN,
        "{\"services\":{\"web\":{\"image\":\"" + image + "\"}},\"status\":\"SUCCESS\"}");
    return id;
  }

  private long createRollout(String fleet, long release, boolean approval) {
    Response created =
        expect(
            "POST",
            "/api/v1/orgs/" + ORG + "/fleets/" + fleet + "/rollouts",
            Principal.ADMIN,
            "{\"releaseId\":"
                + release
                + ",\"groups\":[{\"percentage\":50},{\"percentage\":100}],\"requiresApproval\":"
                + approval
                + "}");
    return created.json().path("id").asLong();
  }

  private int next() {
    return counter.incrementAndGet();
  }

  private static String newUuid() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Returns a new ed25519 public key as an OpenSSH {@code authorized_keys} line. */
  private static String newEd25519PublicKey() {
    try {
      byte[] encoded =
          KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
      // The X.509 form ends with the 32 raw key bytes.
      byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
      byte[] type = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
      ByteBuffer blob = ByteBuffer.allocate(8 + type.length + raw.length);
      blob.putInt(type.length).put(type).putInt(raw.length).put(raw);
      return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob.array()) + " matrix";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available in this JDK", e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
