package io.slipway.api.control.broker;

import io.slipway.api.control.ControlProperties;
import io.slipway.api.control.ControlTopics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mosquitto 2.0 broker that Slipway configures through its dynamic-security plugin, from {@code
 * slipway.control.external.*}.
 *
 * <p>{@link #start()} connects as the configured admin user and makes the plugin's state match the
 * contract in {@code docs/control-channel.md}. Publishing, receiving and subscribing are denied by
 * default. Role {@value #SERVER_ROLE} may publish every device's commands and read every device's
 * events and presence, and client {@value #SERVER_USERNAME} has it alone: the server's own MQTT
 * client connects as that user ({@link #serverLink()}), not as the admin. Its password is an HMAC
 * of the admin's password, so every server instance and every restart set the same one. Granting
 * the role to the admin itself would not work, as the plugin disconnects a client whose roles
 * change, and this connection is the admin's.
 *
 * <p>Each admitted device gets a client whose user name and client id are its UUID and whose
 * password is its device key, with its own role {@code slipway-device-UUID}: subscribe to and
 * receive its commands, publish its events and presence. Mosquitto 2.0's plugin matches ACL topics
 * literally and does not expand {@code %u} or {@code %c}, so one shared role cannot confine devices
 * to their own topics. {@link #revoke} deletes the client, which makes Mosquitto disconnect it, and
 * the role.
 *
 * <p>Thread-safe. {@link #admit} remembers the SHA-256 of the key it set, so calling it again with
 * the same key costs no round trip. Each request to the plugin waits at most 5 seconds.
 */
public final class ExternalMosquittoBroker implements ControlBroker {

  /** The role that lets the server's user publish commands and read events and presence. */
  public static final String SERVER_ROLE = "slipway-server";

  /** The user name of the server's own MQTT client on the broker. */
  public static final String SERVER_USERNAME = "slipway-server";

  /** The prefix of each device's own role; the device UUID follows. */
  public static final String DEVICE_ROLE_PREFIX = "slipway-device-";

  private static final Logger log = LoggerFactory.getLogger(ExternalMosquittoBroker.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final List<String> DENIED_BY_DEFAULT =
      List.of("publishClientSend", "publishClientReceive", "subscribe");

  private final BrokerLink adminLink;
  private final BrokerLink serverLink;
  private final DeviceEndpoint deviceEndpoint;
  private final Map<String, String> admittedKeyHashes = new ConcurrentHashMap<>();
  private final Object lifecycle = new Object();
  private volatile DynamicSecurityClient dynsec;

  /**
   * Checks the settings; connects nothing until {@link #start()}.
   *
   * @param external {@code slipway.control.external.*}
   * @param deviceUrl {@code slipway.control.device-url}, or null to tell devices the broker's own
   *     URL with {@code ssl} read as {@code mqtts}
   * @throws ControlBrokerException naming the setting when one is missing or invalid, or the CA
   *     certificate cannot be read
   */
  public ExternalMosquittoBroker(ControlProperties.External external, URI deviceUrl) {
    ExternalMosquittoSettings settings = ExternalMosquittoSettings.check(external, deviceUrl);
    this.adminLink = settings.adminLink();
    this.serverLink =
        new BrokerLink(
            adminLink.url(),
            SERVER_USERNAME,
            serverPassword(adminLink.password()),
            adminLink.sslContext());
    this.deviceEndpoint = settings.deviceEndpoint();
  }

  /**
   * Connects to Mosquitto and applies the default access, the server's role and its grant to the
   * admin user. Calling it again after a successful start does nothing.
   *
   * @throws ControlBrokerException when the broker cannot be reached, rejects the admin user, or
   *     rejects a command; the message names the broker's URL and the command
   */
  @Override
  public void start() {
    synchronized (lifecycle) {
      if (dynsec != null) {
        return;
      }
      DynamicSecurityClient client = DynamicSecurityClient.connect(adminLink, TIMEOUT);
      try {
        MosquittoAccounts accounts = new MosquittoAccounts(client);
        accounts.denyByDefault(DENIED_BY_DEFAULT);
        accounts.ensureRole(SERVER_ROLE, serverAcls());
        accounts.ensureClient(SERVER_USERNAME, serverLink.password(), null, SERVER_ROLE);
      } catch (RuntimeException e) {
        client.close();
        throw e;
      }
      dynsec = client;
    }
    log.info(
        "Configured Mosquitto at {} as {}: default deny, client {} with role {}",
        adminLink.url(),
        adminLink.username(),
        SERVER_USERNAME,
        SERVER_ROLE);
  }

  @Override
  public BrokerLink serverLink() {
    return serverLink;
  }

  @Override
  public DeviceEndpoint deviceEndpoint() {
    return deviceEndpoint;
  }

  /**
   * Creates or updates device {@code uuid}'s client and role. Returns at once when the same key was
   * set before by this instance.
   *
   * @throws IllegalArgumentException when {@code uuid} is not usable as a topic level and user name
   * @throws ControlBrokerException when Mosquitto cannot be reached or rejects a command
   */
  @Override
  public void admit(String uuid, String deviceKey) {
    checkUuid(uuid);
    if (deviceKey == null || deviceKey.isEmpty()) {
      throw new IllegalArgumentException("The device key of " + uuid + " is empty");
    }
    String keyHash = sha256(deviceKey);
    if (keyHash.equals(admittedKeyHashes.get(uuid))) {
      return;
    }

    MosquittoAccounts accounts = accounts();
    String role = DEVICE_ROLE_PREFIX + uuid;
    accounts.ensureRole(role, deviceAcls(uuid));
    accounts.ensureClient(uuid, deviceKey, uuid, role);
    admittedKeyHashes.put(uuid, keyHash);
    log.info("Admitted device {} on Mosquitto at {}", uuid, adminLink.url());
  }

  /**
   * Deletes device {@code uuid}'s client, which disconnects it, and its role.
   *
   * @throws ControlBrokerException when Mosquitto cannot be reached or rejects a command
   */
  @Override
  public void revoke(String uuid) {
    checkUuid(uuid);
    // Forget first: should the request fail, the next admit must reach the broker again.
    admittedKeyHashes.remove(uuid);
    accounts().deleteDevice(uuid, DEVICE_ROLE_PREFIX + uuid);
    log.info("Revoked device {} on Mosquitto at {}", uuid, adminLink.url());
  }

  /**
   * Always throws: Mosquitto 2.0 has no request that reports whether a client is connected. The
   * device's retained presence, with its last will, shows whether it is online.
   */
  @Override
  public boolean isConnected(String uuid) {
    throw new UnsupportedOperationException(
        "Mosquitto's dynamic-security plugin cannot tell whether device "
            + uuid
            + " is connected; read its retained presence topic instead");
  }

  @Override
  public void close() {
    DynamicSecurityClient client;
    synchronized (lifecycle) {
      client = dynsec;
      dynsec = null;
    }
    admittedKeyHashes.clear();
    if (client != null) {
      client.close();
      log.info("Disconnected from Mosquitto at {}", adminLink.url());
    }
  }

  @Override
  public String toString() {
    return "ExternalMosquittoBroker[url="
        + adminLink.url()
        + ", username="
        + adminLink.username()
        + "]";
  }

  /** Returns the server role's ACLs: publish every command, read every event and presence. */
  static Set<MosquittoAcl> serverAcls() {
    return Set.of(
        MosquittoAcl.allow("publishClientSend", ControlTopics.ALL_COMMANDS),
        MosquittoAcl.allow("subscribePattern", ControlTopics.ALL_EVENTS),
        MosquittoAcl.allow("publishClientReceive", ControlTopics.ALL_EVENTS),
        MosquittoAcl.allow("subscribePattern", ControlTopics.ALL_PRESENCE),
        MosquittoAcl.allow("publishClientReceive", ControlTopics.ALL_PRESENCE));
  }

  /**
   * Returns device {@code uuid}'s ACLs. The subscription is literal, so that no filter but the
   * exact commands topic passes.
   */
  static Set<MosquittoAcl> deviceAcls(String uuid) {
    return Set.of(
        MosquittoAcl.allow("subscribeLiteral", ControlTopics.commands(uuid)),
        MosquittoAcl.allow("publishClientReceive", ControlTopics.commands(uuid)),
        MosquittoAcl.allow("publishClientSend", ControlTopics.events(uuid)),
        MosquittoAcl.allow("publishClientSend", ControlTopics.presence(uuid)));
  }

  private MosquittoAccounts accounts() {
    DynamicSecurityClient client = dynsec;
    if (client == null) {
      throw new ControlBrokerException(
          "The connection to Mosquitto at " + adminLink.url() + " is not started or was closed");
    }
    return new MosquittoAccounts(client);
  }

  /** Rejects a UUID that would change a topic's meaning or is empty. */
  private static void checkUuid(String uuid) {
    if (uuid == null
        || uuid.isEmpty()
        || !ControlTopics.deviceOf(ControlTopics.events(uuid)).isPresent()) {
      throw new IllegalArgumentException(
          "Invalid device UUID '"
              + uuid
              + "': it must be non-empty and contain no '/', '+' or '#'");
    }
  }

  /** Derives the server client's password from the admin's, so that it is stable. */
  private static String serverPassword(String adminPassword) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(adminPassword.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] tag = mac.doFinal(SERVER_USERNAME.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(tag);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Every Java runtime has HmacSHA256", e);
    }
  }

  private static String sha256(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }
}
