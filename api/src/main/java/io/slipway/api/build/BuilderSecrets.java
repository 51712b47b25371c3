package io.slipway.api.build;

import io.slipway.api.identity.Identity;
import io.slipway.api.identity.TokenResolver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Short-lived secrets with which the server's own builder pulls and pushes images of one fleet
 * ({@code slb_} and 64 hex digits). They live in this process's memory only, keyed by their
 * SHA-256, and are never written anywhere; a restart forgets them, and a restarted build asks for
 * new ones. The registry token endpoint accepts them as the HTTP Basic password with any user name;
 * {@link io.slipway.api.registry.StandardRegistryGrantPolicy} limits what they get. On {@code
 * /api/} they are rejected like any credential that is not a person's.
 *
 * <p>Safe for concurrent use.
 */
@Component
public class BuilderSecrets implements TokenResolver {

  /** Prefix of every builder secret. */
  public static final String PREFIX = "slb_";

  /** Maximum lifetime of a secret. */
  public static final Duration MAX_LIFETIME = Duration.ofHours(24);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Grant> byHash = new ConcurrentHashMap<>();
  private final Clock clock;

  /** What a secret proves, until when. */
  private record Grant(long fleetId, Instant expiresAt) {}

  /**
   * A secret as issued. {@link #toString} hides the value.
   *
   * @param value the secret, {@code slb_} and 64 hex digits
   * @param expiresAt when it stops working
   */
  public record Secret(String value, Instant expiresAt) {
    @Override
    public String toString() {
      return "Secret[value=<hidden>, expiresAt=" + expiresAt + "]";
    }
  }

  public BuilderSecrets(Clock clock) {
    this.clock = clock;
  }

  /**
   * Issues a secret that lets the builder push to and pull from fleet {@code fleetId}'s
   * repositories, and pull from its organization's, for {@code lifetime}.
   *
   * @throws IllegalArgumentException when the lifetime is not positive or exceeds {@link
   *     #MAX_LIFETIME}
   */
  public Secret issue(long fleetId, Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          "Builder secret lifetime " + lifetime + " is out of range: use up to " + MAX_LIFETIME);
    }
    forgetExpired();
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String value = PREFIX + HexFormat.of().formatHex(random);
    Instant expiresAt = clock.instant().plus(lifetime);
    byHash.put(hash(value), new Grant(fleetId, expiresAt));
    return new Secret(value, expiresAt);
  }

  /** Returns how many secrets are held now, expired ones not yet forgotten included. */
  int count() {
    return byHash.size();
  }

  @Override
  public String prefix() {
    return PREFIX;
  }

  @Override
  public Optional<Identity> resolve(String secret) {
    Grant grant = byHash.get(hash(secret));
    if (grant == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(grant.expiresAt())) {
      byHash.remove(hash(secret));
      return Optional.empty();
    }
    return Optional.of(Identity.builder(grant.fleetId()));
  }

  private void forgetExpired() {
    Instant now = clock.instant();
    byHash.values().removeIf(grant -> !now.isBefore(grant.expiresAt()));
  }

  private static String hash(String secret) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
