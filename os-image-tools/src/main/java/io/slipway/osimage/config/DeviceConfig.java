package io.slipway.osimage.config;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The config.json in a configured image's boot partition: what a device needs to join its fleet on
 * first boot and to reach the server. A device joins either with a provisioning key, which it
 * deletes from the file once registered, or as a device registered in advance, with its UUID and
 * device API key. Every field is documented in docs/os-images.md.
 *
 * <p>Immutable and thread-safe. {@link #toString()} hides the provisioning key, the device API key
 * and the Wi-Fi passphrase.
 *
 * @param fleetId the fleet's numeric id
 * @param fleet the fleet's full name, {@code ORG/FLEET}
 * @param deviceType the device type slug, such as {@code raspberrypi4-64}
 * @param provisioningKey the provisioning key ({@code slp_...}), or null for a device registered in
 *     advance
 * @param uuid a device registered in advance: its UUID (32 to 62 lower-case hex digits); else null
 * @param deviceApiKey a device registered in advance: its API key ({@code sld_...}); else null
 * @param apiEndpoint the server's base URL for {@code /device/v1/}
 * @param registryEndpoint the registry's base URL for {@code /v2/}
 * @param deltaEndpoint the base URL that serves deltas
 * @param controlEndpoint the control channel's URL, or null when the control channel is off
 * @param pollIntervalSeconds how often the device requests its target state, in seconds
 * @param persistentLogging whether the device keeps its logs across reboots
 * @param developmentMode whether the device runs in development mode (local access, no signature
 *     pinning to a release manager's promotion); never for production fleets
 * @param sshKeys OpenSSH public keys allowed to log in to the host OS, one per entry
 * @param network network settings the OS applies on first boot
 * @param trustedKeys PEM public keys the device verifies releases and deltas with
 */
public record DeviceConfig(
    long fleetId,
    String fleet,
    String deviceType,
    String provisioningKey,
    String uuid,
    String deviceApiKey,
    URI apiEndpoint,
    URI registryEndpoint,
    URI deltaEndpoint,
    URI controlEndpoint,
    int pollIntervalSeconds,
    boolean persistentLogging,
    boolean developmentMode,
    List<String> sshKeys,
    NetworkSettings network,
    List<String> trustedKeys) {

  /** The version of the config.json layout this class reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  /** The shortest allowed poll interval, in seconds. */
  public static final int MIN_POLL_INTERVAL_SECONDS = 10;

  /** The longest allowed poll interval, in seconds (one day). */
  public static final int MAX_POLL_INTERVAL_SECONDS = 86_400;

  /** The poll interval when none is given, in seconds. */
  public static final int DEFAULT_POLL_INTERVAL_SECONDS = 600;

  /** The boot partition path of the file itself. */
  public static final String FILE_NAME = "config.json";

  /** The boot partition path of the Wi-Fi profile, when Wi-Fi is configured. */
  public static final String WIFI_PROFILE = "system-connections/slipway-wifi";

  private static final Pattern FLEET = Pattern.compile("[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*");
  private static final Pattern DEVICE_TYPE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{32,62}");
  private static final List<String> HTTP_SCHEMES = List.of("https", "http");
  private static final List<String> CONTROL_SCHEMES = List.of("mqtts", "wss", "https", "http");
  private static final Pattern SECRET_TAIL = Pattern.compile("[A-Za-z0-9_-]{16,200}");
  private static final Pattern SSH_KEY =
      Pattern.compile("(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+( [^\\r\\n]*)?");

  public DeviceConfig {
    sshKeys = List.copyOf(Objects.requireNonNullElse(sshKeys, List.of()));
    trustedKeys = List.copyOf(Objects.requireNonNullElse(trustedKeys, List.of()));
    network = Objects.requireNonNullElse(network, NetworkSettings.NONE);
    checkIdentity(fleetId, fleet, deviceType);
    checkEnrolment(provisioningKey, uuid, deviceApiKey);
    checkEndpoint("apiEndpoint", apiEndpoint, true, HTTP_SCHEMES);
    checkEndpoint("registryEndpoint", registryEndpoint, true, HTTP_SCHEMES);
    checkEndpoint("deltaEndpoint", deltaEndpoint, true, HTTP_SCHEMES);
    checkEndpoint("controlEndpoint", controlEndpoint, false, CONTROL_SCHEMES);
    checkPollInterval(pollIntervalSeconds);
    sshKeys.forEach(DeviceConfig::checkSshKey);
    trustedKeys.forEach(DeviceConfig::checkTrustedKey);
  }

  /** Returns a builder; its poll interval starts at {@link #DEFAULT_POLL_INTERVAL_SECONDS}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this configuration's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns true when the device joins with a provisioning key rather than being registered in
   * advance.
   */
  public boolean usesProvisioningKey() {
    return provisioningKey != null;
  }

  /**
   * Parses a config.json.
   *
   * @throws OsImageException {@code INVALID_CONFIG} naming the field at fault and the fix
   */
  public static DeviceConfig parse(byte[] json) {
    return DeviceConfigJson.read(json);
  }

  /** Returns this configuration as config.json: UTF-8, fields in a fixed order, indented. */
  public byte[] toJson() {
    return DeviceConfigJson.write(this);
  }

  /**
   * Returns the files to write into the boot partition: {@code config.json}, and the Wi-Fi profile
   * (a NetworkManager keyfile) when Wi-Fi is set.
   */
  public SortedMap<String, byte[]> bootFiles() {
    SortedMap<String, byte[]> files = new TreeMap<>();
    files.put(FILE_NAME, toJson());
    if (network.wifi() != null) {
      files.put(
          WIFI_PROFILE, network.wifi().networkManagerProfile().getBytes(StandardCharsets.UTF_8));
    }
    return Collections.unmodifiableSortedMap(files);
  }

  @Override
  public String toString() {
    return "DeviceConfig[fleet="
        + fleet
        + ", fleetId="
        + fleetId
        + ", deviceType="
        + deviceType
        + ", uuid="
        + uuid
        + ", provisioningKey="
        + (provisioningKey == null ? "none" : "(hidden)")
        + ", apiEndpoint="
        + apiEndpoint
        + "]";
  }

  private static void checkIdentity(long fleetId, String fleet, String deviceType) {
    if (fleetId < 1) {
      throw invalid("Invalid fleetId " + fleetId + ": use the fleet's id, 1 or more");
    }
    if (fleet == null || !FLEET.matcher(fleet).matches()) {
      throw invalid(
          "Invalid fleet '" + fleet + "': use ORG/FLEET in lower-case letters, digits and '-'");
    }
    if (deviceType == null || !DEVICE_TYPE.matcher(deviceType).matches()) {
      throw invalid(
          "Invalid deviceType '"
              + deviceType
              + "': use a device type slug such as raspberrypi4-64 (list them with GET"
              + " /api/v1/device-types)");
    }
  }

  private static void checkEnrolment(String provisioningKey, String uuid, String deviceApiKey) {
    boolean registered = uuid != null || deviceApiKey != null;
    if (provisioningKey != null && registered) {
      throw invalid(
          "config.json has both a provisioningKey and a device uuid or deviceApiKey: give either"
              + " the provisioning key, or the uuid and deviceApiKey of a device registered in"
              + " advance");
    }
    if (provisioningKey == null && !registered) {
      throw invalid(
          "config.json has neither a provisioningKey nor a device uuid and deviceApiKey: give one"
              + " of them");
    }
    if (provisioningKey != null) {
      checkSecret("provisioningKey", provisioningKey, "slp_");
      return;
    }
    if (uuid == null || !UUID.matcher(uuid).matches()) {
      throw invalid(
          "Invalid uuid '" + uuid + "': use the device's UUID, 32 to 62 lower-case hex digits");
    }
    if (deviceApiKey == null) {
      throw invalid("Device " + uuid + " has no deviceApiKey: give the key issued with it");
    }
    checkSecret("deviceApiKey", deviceApiKey, "sld_");
  }

  private static void checkSecret(String field, String value, String prefix) {
    boolean valid =
        value.startsWith(prefix) && SECRET_TAIL.matcher(value.substring(prefix.length())).matches();
    if (!valid) {
      // The value is a secret: name its field and form, never its content.
      throw invalid(
          "Invalid " + field + ": it must start with '" + prefix + "' followed by the key's text");
    }
  }

  private static void checkEndpoint(
      String field, URI endpoint, boolean required, List<String> schemes) {
    if (endpoint == null) {
      if (required) {
        throw invalid(
            "config.json needs "
                + field
                + ": give the server's URL, such as https://slipway.example.com");
      }
      return;
    }
    String scheme = endpoint.getScheme();
    boolean valid =
        endpoint.isAbsolute()
            && endpoint.getHost() != null
            && endpoint.getUserInfo() == null
            && endpoint.getQuery() == null
            && endpoint.getFragment() == null
            && scheme != null
            && schemes.contains(scheme);
    if (!valid) {
      throw invalid(
          "Invalid "
              + field
              + " '"
              + endpoint
              + "': use an absolute "
              + String.join(", ", schemes)
              + " URL with a host and no user, query or fragment");
    }
  }

  private static void checkPollInterval(int seconds) {
    if (seconds < MIN_POLL_INTERVAL_SECONDS || seconds > MAX_POLL_INTERVAL_SECONDS) {
      throw invalid(
          "Invalid pollIntervalSeconds "
              + seconds
              + ": use "
              + MIN_POLL_INTERVAL_SECONDS
              + " to "
              + MAX_POLL_INTERVAL_SECONDS);
    }
  }

  private static void checkSshKey(String key) {
    if (key == null || !SSH_KEY.matcher(key).matches()) {
      throw invalid(
          "Invalid SSH key '"
              + abbreviate(key)
              + "' in os.sshKeys: give one OpenSSH public key per entry, such as 'ssh-ed25519"
              + " AAAA... user@host'");
    }
  }

  private static void checkTrustedKey(String pem) {
    boolean valid =
        pem != null
            && pem.strip().startsWith("-----BEGIN PUBLIC KEY-----")
            && pem.strip().endsWith("-----END PUBLIC KEY-----");
    if (!valid) {
      throw invalid(
          "Invalid entry '"
              + abbreviate(pem)
              + "' in trustedKeys: give PEM public keys (-----BEGIN PUBLIC KEY-----)");
    }
  }

  static String abbreviate(String value) {
    if (value == null) {
      return "null";
    }
    return value.length() <= 40 ? value : value.substring(0, 37) + "...";
  }

  static OsImageException invalid(String message) {
    return new OsImageException(OsImageFailure.INVALID_CONFIG, message);
  }

  /** Builds a {@link DeviceConfig}; validation happens in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private long fleetId;
    private String fleet;
    private String deviceType;
    private String provisioningKey;
    private String uuid;
    private String deviceApiKey;
    private URI apiEndpoint;
    private URI registryEndpoint;
    private URI deltaEndpoint;
    private URI controlEndpoint;
    private int pollIntervalSeconds = DEFAULT_POLL_INTERVAL_SECONDS;
    private boolean persistentLogging;
    private boolean developmentMode;
    private List<String> sshKeys = new ArrayList<>();
    private NetworkSettings network = NetworkSettings.NONE;
    private List<String> trustedKeys = new ArrayList<>();

    private Builder() {}

    private Builder(DeviceConfig config) {
      fleetId = config.fleetId;
      fleet = config.fleet;
      deviceType = config.deviceType;
      provisioningKey = config.provisioningKey;
      uuid = config.uuid;
      deviceApiKey = config.deviceApiKey;
      apiEndpoint = config.apiEndpoint;
      registryEndpoint = config.registryEndpoint;
      deltaEndpoint = config.deltaEndpoint;
      controlEndpoint = config.controlEndpoint;
      pollIntervalSeconds = config.pollIntervalSeconds;
      persistentLogging = config.persistentLogging;
      developmentMode = config.developmentMode;
      sshKeys = new ArrayList<>(config.sshKeys);
      network = config.network;
      trustedKeys = new ArrayList<>(config.trustedKeys);
    }

    /**
     * Sets a device registered in advance when both values are given; used by the reader, which
     * lets validation name what is missing.
     */
    Builder enrolment(String deviceUuid, String apiKey) {
      if (deviceUuid != null || apiKey != null) {
        this.uuid = deviceUuid;
        this.deviceApiKey = apiKey;
      }
      return this;
    }

    /** Sets the fleet's id and its {@code ORG/FLEET} name. */
    public Builder fleet(long id, String name) {
      this.fleetId = id;
      this.fleet = name;
      return this;
    }

    public Builder deviceType(String slug) {
      this.deviceType = slug;
      return this;
    }

    /** Makes the device join with {@code key}, dropping any device registered in advance. */
    public Builder provisioningKey(String key) {
      this.provisioningKey = key;
      this.uuid = null;
      this.deviceApiKey = null;
      return this;
    }

    /** Makes the image belong to a device registered in advance, dropping any provisioning key. */
    public Builder registeredDevice(String deviceUuid, String apiKey) {
      this.provisioningKey = null;
      this.uuid = deviceUuid;
      this.deviceApiKey = apiKey;
      return this;
    }

    public Builder apiEndpoint(URI endpoint) {
      this.apiEndpoint = endpoint;
      return this;
    }

    public Builder registryEndpoint(URI endpoint) {
      this.registryEndpoint = endpoint;
      return this;
    }

    public Builder deltaEndpoint(URI endpoint) {
      this.deltaEndpoint = endpoint;
      return this;
    }

    /** Sets the control channel's URL; null leaves the control channel off. */
    public Builder controlEndpoint(URI endpoint) {
      this.controlEndpoint = endpoint;
      return this;
    }

    public Builder pollIntervalSeconds(int seconds) {
      this.pollIntervalSeconds = seconds;
      return this;
    }

    public Builder persistentLogging(boolean enabled) {
      this.persistentLogging = enabled;
      return this;
    }

    public Builder developmentMode(boolean enabled) {
      this.developmentMode = enabled;
      return this;
    }

    public Builder sshKeys(List<String> keys) {
      this.sshKeys = new ArrayList<>(keys);
      return this;
    }

    public Builder network(NetworkSettings settings) {
      this.network = settings;
      return this;
    }

    public Builder trustedKeys(List<String> pemKeys) {
      this.trustedKeys = new ArrayList<>(pemKeys);
      return this;
    }

    /**
     * Returns the configuration.
     *
     * @throws OsImageException {@code INVALID_CONFIG} naming the field at fault
     */
    public DeviceConfig build() {
      return new DeviceConfig(
          fleetId,
          fleet,
          deviceType,
          provisioningKey,
          uuid,
          deviceApiKey,
          apiEndpoint,
          registryEndpoint,
          deltaEndpoint,
          controlEndpoint,
          pollIntervalSeconds,
          persistentLogging,
          developmentMode,
          sshKeys,
          network,
          trustedKeys);
    }
  }
}
