package io.slipway.api.provisioning;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.BearerSecret;
import io.slipway.api.identity.Identity;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates, lists and revokes the provisioning keys of a fleet, after the caller's access was
 * checked. Safe for concurrent use.
 */
@Service
public class ProvisioningKeyService {

  private static final Logger log = LoggerFactory.getLogger(ProvisioningKeyService.class);

  /** Maximum length of a key name, in characters. */
  public static final int MAX_NAME_LENGTH = 100;

  /** How many names {@link #createNumbered} tries before it gives up. */
  private static final int MAX_NAME_ATTEMPTS = 10;

  private final ProvisioningKeyRepository keys;
  private final AuditLog audit;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public ProvisioningKeyService(
      ProvisioningKeyRepository keys,
      AuditLog audit,
      TransactionTemplate transactions,
      Clock clock) {
    this.keys = keys;
    this.audit = audit;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * A key just created, with its secret, which is never shown again.
   *
   * @param key the stored key
   * @param secret the clear text to hand to the caller once
   */
  public record CreatedKey(ProvisioningKey key, BearerSecret secret) {}

  /**
   * Creates a key for {@code fleet}.
   *
   * @param expiresAt expiry in milliseconds since the epoch, or null for never
   * @param maxUses how many devices it may register, or null for no limit
   * @throws ApiException {@code INVALID_REQUEST_BODY} for a bad name, a past expiry or a maximum
   *     below 1; {@code PROVISIONING_KEY_NAME_TAKEN} when the fleet has a key of that name
   */
  public CreatedKey create(Identity who, Fleet fleet, String name, Long expiresAt, Long maxUses) {
    long now = clock.millis();
    String keyName = checkName(name);
    checkLimits(expiresAt, maxUses, now);
    BearerSecret secret = BearerSecret.generate(BearerSecret.PROVISIONING_KEY, random);

    ProvisioningKey key =
        transactions.execute(
            status -> {
              long id;
              try {
                id =
                    keys.insert(
                        fleet.id(),
                        keyName,
                        secret.sha256Hex(),
                        who.subject(),
                        now,
                        expiresAt,
                        maxUses);
              } catch (DuplicateKeyException e) {
                throw new ApiException(
                    ErrorCode.PROVISIONING_KEY_NAME_TAKEN,
                    "Fleet '"
                        + fleet.repositoryPrefix()
                        + "' already has a provisioning key named '"
                        + keyName
                        + "': choose another name");
              }
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("id", id);
              details.put("name", keyName);
              details.put("expiresAt", expiresAt);
              details.put("maxUses", maxUses);
              audit.record(
                  who,
                  "provisioning-key.created",
                  "fleet",
                  fleet.repositoryPrefix(),
                  fleet.organizationId(),
                  details);
              return keys.findById(id).orElseThrow();
            });
    log.info(
        "Provisioning key {} of fleet {} created by '{}'",
        key.id(),
        fleet.repositoryPrefix(),
        who.subject());
    return new CreatedKey(key, secret);
  }

  /**
   * Creates a key for {@code fleet} named {@code prefix #N}, with the smallest {@code N} from 1
   * that no key of the fleet has, for callers that make keys on their own behalf, such as OS image
   * downloads.
   *
   * @param prefix the name before {@code " #N"}; the whole name must fit {@link #MAX_NAME_LENGTH}
   * @throws ApiException as {@link #create}; {@code PROVISIONING_KEY_NAME_TAKEN} only when other
   *     requests took every name tried
   */
  public CreatedKey createNumbered(
      Identity who, Fleet fleet, String prefix, Long expiresAt, Long maxUses) {
    Set<String> taken = new HashSet<>();
    keys.findByFleet(fleet.id()).forEach(key -> taken.add(key.name()));
    int number = 1;
    for (int attempt = 0; ; attempt++) {
      while (taken.contains(prefix + " #" + number)) {
        number++;
      }
      String name = prefix + " #" + number;
      try {
        return create(who, fleet, name, expiresAt, maxUses);
      } catch (ApiException e) {
        // A concurrent request took the name between the listing and the insert.
        if (!e.code().equals(ErrorCode.PROVISIONING_KEY_NAME_TAKEN.name())
            || attempt == MAX_NAME_ATTEMPTS - 1) {
          throw e;
        }
        taken.add(name);
      }
    }
  }

  /** Returns the keys of {@code fleet}, revoked ones included. */
  public List<ProvisioningKey> list(Fleet fleet) {
    return keys.findByFleet(fleet.id());
  }

  /**
   * Revokes key {@code id} of {@code fleet}. Revoking a revoked key again changes nothing.
   *
   * @throws ApiException {@code PROVISIONING_KEY_NOT_FOUND} when the fleet has no such key
   */
  public void revoke(Identity who, Fleet fleet, long id) {
    ProvisioningKey key =
        keys.findById(id)
            .filter(found -> found.fleetId() == fleet.id())
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.PROVISIONING_KEY_NOT_FOUND,
                        "Fleet '"
                            + fleet.repositoryPrefix()
                            + "' has no provisioning key "
                            + id
                            + ": list them with GET .../provisioning-keys"));
    transactions.executeWithoutResult(
        status -> {
          if (keys.revoke(fleet.id(), key.id(), clock.millis())) {
            audit.record(
                who,
                "provisioning-key.revoked",
                "fleet",
                fleet.repositoryPrefix(),
                fleet.organizationId(),
                Map.of("id", key.id(), "name", key.name()));
          }
        });
  }

  private static String checkName(String name) {
    String stripped = name == null ? "" : name.strip();
    if (stripped.isEmpty() || stripped.length() > MAX_NAME_LENGTH) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Invalid provisioning key name '"
              + stripped
              + "': use 1 to "
              + MAX_NAME_LENGTH
              + " characters");
    }
    return stripped;
  }

  private static void checkLimits(Long expiresAt, Long maxUses, long now) {
    if (expiresAt != null && expiresAt <= now) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Expiry "
              + Instant.ofEpochMilli(expiresAt)
              + " is not in the future: give expiresAt in milliseconds since the epoch, later than"
              + " now");
    }
    if (maxUses != null && maxUses < 1) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Invalid maxUses " + maxUses + ": use at least 1, or leave it out for no limit");
    }
  }
}
