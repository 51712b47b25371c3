package io.slipway.signing.keystore;

import io.slipway.signing.Signer;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.trust.TrustPolicy;
import java.time.Instant;
import java.util.List;

/**
 * The signing keys of one server and their rotation. The file-based store is the default; stores
 * over PKCS#11 tokens or a cloud KMS implement the same interface and keep their private keys where
 * they are.
 *
 * <p>Every change is durable when the method returns, and a crash in the middle of a change leaves
 * the store as it was before or as it is after, never in between. Implementations must be safe for
 * concurrent use; changes are serialized.
 *
 * @throws io.slipway.signing.SigningException from every method when the store cannot be read or
 *     written, naming the file or key at fault
 */
public interface SigningKeyStore {

  /** Returns every key, oldest first. */
  List<StoredKey> keys();

  /**
   * Generates a key. It becomes {@link KeyState#ACTIVE} when the store has no active key, {@link
   * KeyState#STANDBY} otherwise.
   *
   * @param expiresAt when set, the end of the key's validity
   */
  StoredKey generate(KeyAlgorithm algorithm, Instant expiresAt);

  /**
   * Imports an unencrypted PKCS#8 {@code PRIVATE KEY} PEM block (ECDSA P-256 or Ed25519), with the
   * same state rule as {@link #generate}.
   *
   * @throws io.slipway.signing.SigningException naming the problem when the PEM is unreadable, the
   *     algorithm unsupported, or the key already stored
   */
  StoredKey importPrivateKey(String pkcs8Pem, Instant expiresAt);

  /**
   * Makes {@code hint} the signing key. The previous active key becomes {@link KeyState#STANDBY}
   * and keeps verifying until it is retired.
   *
   * @throws io.slipway.signing.SigningException when the key is unknown, retired, revoked or
   *     expired
   */
  StoredKey activate(KeyHint hint);

  /**
   * Retires a standby key: from now on it verifies only what it signed before now.
   *
   * @throws io.slipway.signing.SigningException when the key is unknown, active (activate another
   *     first) or revoked
   */
  StoredKey retire(KeyHint hint);

  /**
   * Revokes a key: it verifies nothing from now on. Revoking the active key leaves the store
   * without a signer until another key is activated.
   *
   * @throws io.slipway.signing.SigningException when the key is unknown
   */
  StoredKey revoke(KeyHint hint);

  /**
   * Returns the signer of the active key.
   *
   * @throws io.slipway.signing.SigningException when no key is active, saying to generate or
   *     activate one
   */
  Signer activeSigner();

  /**
   * Returns a signer for each key that may vouch for the key list now: the active key and every
   * standby key, leaving out expired ones, oldest first. Empty when no key qualifies. Devices
   * accept a new key list signed by any key they already trust, so signing it with all of these
   * lets a device that trusts only one of them follow.
   */
  List<Signer> trustSigners();

  /**
   * Returns the number of changes the store has seen. It grows with every change to the keys and
   * never falls while the store's files are not replaced, so it can version the key list.
   */
  long generation();

  /**
   * Returns every key with its validity, as devices should trust them. Revoked keys stay listed,
   * marked revoked, so that devices which trusted them learn of the revocation.
   */
  TrustPolicy trustPolicy();
}
