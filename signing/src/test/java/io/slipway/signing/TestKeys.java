package io.slipway.signing;

import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Signing keys for tests: one key pair per algorithm, generated once per test run because ECDSA and
 * Ed25519 key generation is cheap but not free, plus helpers that build trust policies.
 */
public final class TestKeys {

  /** The start of every test key's validity. */
  public static final Instant VALID_FROM = Instant.parse("2026-01-01T00:00:00Z");

  /** A signing time inside every test key's validity. */
  public static final Instant SIGNED_AT = Instant.parse("2026-03-01T12:00:00Z");

  /** A verification time after {@link #SIGNED_AT}. */
  public static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");

  private static final Map<KeyAlgorithm, KeyPair> PAIRS = new EnumMap<>(KeyAlgorithm.class);
  private static final Map<KeyAlgorithm, LocalSigner> SIGNERS = new EnumMap<>(KeyAlgorithm.class);

  private TestKeys() {}

  /** Returns this run's shared signer of {@code algorithm}. */
  public static synchronized LocalSigner signer(KeyAlgorithm algorithm) {
    return SIGNERS.computeIfAbsent(algorithm, a -> new LocalSigner(pair(a)));
  }

  /** Returns the private key of {@link #signer}, for tools that sign outside this library. */
  public static synchronized PrivateKey privateKey(KeyAlgorithm algorithm) {
    return pair(algorithm).getPrivate();
  }

  private static KeyPair pair(KeyAlgorithm algorithm) {
    return PAIRS.computeIfAbsent(algorithm, KeyAlgorithm::generate);
  }

  /** Returns {@code signer}'s key, valid from {@link #VALID_FROM} with no end. */
  public static TrustedKey trusted(Signer signer) {
    return TrustedKey.active(signer.publicKey(), VALID_FROM);
  }

  /** Returns a policy that trusts only {@code signer}'s key, from {@link #VALID_FROM} on. */
  public static TrustPolicy trusting(Signer signer) {
    return TrustPolicy.of(trusted(signer));
  }
}
