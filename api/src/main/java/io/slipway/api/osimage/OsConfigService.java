package io.slipway.api.osimage;

import io.slipway.api.account.sshkey.SshKeyRepository;
import io.slipway.api.config.SlipwayProperties;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.api.provisioning.ProvisioningKey;
import io.slipway.api.provisioning.ProvisioningKeyService;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.config.DeviceConfig;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.keystore.KeyState;
import io.slipway.signing.keystore.SigningKeyStore;
import io.slipway.signing.keystore.StoredKey;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Writes a fleet's config.json with a provisioning key made for it. The key expires and may be
 * limited to a number of devices. Every call makes a new key, so each image or config handed out
 * can be revoked on its own. Safe for concurrent use.
 */
@Service
public class OsConfigService {

  private static final Logger log = LoggerFactory.getLogger(OsConfigService.class);

  /**
   * A stand-in key of the valid form, so that the whole config is checked before a real key exists.
   */
  private static final String PLACEHOLDER_KEY = "slp_" + "A".repeat(43);

  private final ProvisioningKeyService provisioningKeys;
  private final SshKeyRepository sshKeys;
  private final SigningKeyStore signingKeys;
  private final OsImageProperties properties;
  private final URI publicUrl;
  private final Clock clock;

  OsConfigService(
      ProvisioningKeyService provisioningKeys,
      SshKeyRepository sshKeys,
      SigningKeyStore signingKeys,
      OsImageProperties properties,
      SlipwayProperties slipway,
      Clock clock) {
    this.provisioningKeys = provisioningKeys;
    this.sshKeys = sshKeys;
    this.signingKeys = signingKeys;
    this.properties = properties;
    this.publicUrl = slipway.registry().publicUrl();
    this.clock = clock;
  }

  /**
   * A config.json with the key made for it.
   *
   * @param config the configuration, which contains the key's secret
   * @param key the provisioning key, without its secret
   */
  public record IssuedConfig(DeviceConfig config, ProvisioningKey key) {}

  /**
   * Creates a provisioning key for {@code fleet} and returns the config.json that contains it. The
   * key is audited as {@code provisioning-key.created}; the caller audits what it was made for.
   *
   * @param requestBase the base URL the request reached this server at, used as the API endpoint
   *     when neither {@code slipway.os-images.api-endpoint} nor {@code slipway.registry.public-url}
   *     is set
   * @throws ApiException {@code INVALID_OS_CONFIG} naming the setting or option at fault; nothing
   *     is created then
   */
  public IssuedConfig issue(Identity who, Fleet fleet, OsConfigOptions options, URI requestBase) {
    DeviceConfig.Builder builder = builder(who, fleet, options, requestBase);
    build(builder.provisioningKey(PLACEHOLDER_KEY), fleet);

    long now = clock.millis();
    Duration expiry =
        options.keyExpiresIn() != null ? options.keyExpiresIn() : properties.keyExpiry();
    String name = "os-image " + Instant.ofEpochMilli(now).truncatedTo(ChronoUnit.SECONDS);
    ProvisioningKeyService.CreatedKey created =
        provisioningKeys.createNumbered(
            who, fleet, name, now + expiry.toMillis(), options.maxDevices());
    DeviceConfig config = build(builder.provisioningKey(created.secret().value()), fleet);
    log.info(
        "Config for fleet {} issued to '{}' with provisioning key {}",
        fleet.repositoryPrefix(),
        who.subject(),
        created.key().id());
    return new IssuedConfig(config, created.key());
  }

  private DeviceConfig.Builder builder(
      Identity who, Fleet fleet, OsConfigOptions options, URI requestBase) {
    URI api = orElse(properties.apiEndpoint(), orElse(publicUrl, requestBase));
    int pollSeconds =
        options.pollIntervalSeconds() != null
            ? options.pollIntervalSeconds()
            : (int) properties.pollInterval().toSeconds();
    return DeviceConfig.builder()
        .fleet(fleet.id(), fleet.repositoryPrefix())
        .deviceType(fleet.deviceType())
        .apiEndpoint(api)
        .registryEndpoint(orElse(properties.registryEndpoint(), api))
        .deltaEndpoint(orElse(properties.deltaEndpoint(), api))
        .controlEndpoint(properties.controlEndpoint())
        .pollIntervalSeconds(pollSeconds)
        .persistentLogging(options.persistentLogging())
        .developmentMode(options.developmentMode())
        .sshKeys(options.sshKeys() ? sshKeysOf(who) : List.of())
        .network(options.network())
        .trustedKeys(trustedKeys());
  }

  private static DeviceConfig build(DeviceConfig.Builder builder, Fleet fleet) {
    try {
      return builder.build();
    } catch (OsImageException e) {
      throw new ApiException(
          ErrorCode.INVALID_OS_CONFIG,
          "The config.json of fleet "
              + fleet.repositoryPrefix()
              + " is invalid: "
              + e.getMessage());
    }
  }

  private List<String> sshKeysOf(Identity who) {
    return sshKeys.findByUser(who.id()).stream()
        .map(SshKeyRepository.StoredSshKey::publicKey)
        .toList();
  }

  /**
   * Returns the keys that sign releases now or will next: the active key and the standby keys,
   * unexpired, as PEM. Devices learn later rotations from the signed key list.
   */
  private List<String> trustedKeys() {
    Instant now = clock.instant();
    return signingKeys.keys().stream()
        .filter(key -> key.state() == KeyState.ACTIVE || key.state() == KeyState.STANDBY)
        .filter(key -> key.expiresAt() == null || key.expiresAt().isAfter(now))
        .map(StoredKey::publicKey)
        .map(PemKeys::publicKeyPem)
        .toList();
  }

  /** Returns {@code configured}, else {@code fallback}, without a trailing slash. */
  private static URI orElse(URI configured, URI fallback) {
    URI chosen = configured != null ? configured : fallback;
    String text = chosen.toString();
    if (!text.endsWith("/")) {
      return chosen;
    }
    return URI.create(text.substring(0, text.length() - 1));
  }
}
