package io.slipway.signing.keystore;

import io.slipway.signing.SigningException;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.trust.TrustPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link SigningKeyStore}: files in one directory, mode 0700 where POSIX. Each private
 * key sits in its own file, {@code URLSAFEHINT.key}, encrypted with the {@link MasterKey} (see
 * {@link EncryptedKeyFile}); {@code keyring.json} lists every key's public half and state and is
 * the single source of truth. Files have mode 0600 where POSIX.
 *
 * <p>Every write goes to a synced temporary file that is renamed over its target, and the directory
 * is synced after the rename. A new key's file is written before the keyring names it, and a
 * rotation changes both keys' states in one keyring write, so a crash leaves the store as it was
 * before or after the change. Opening the store deletes temporary files and moves key files that
 * the keyring does not name aside (to {@code NAME.key.orphan}), logging each.
 *
 * <p>Times are stored in whole seconds, as the signed documents carry them, so that content signed
 * in a key's first second is not dated before the key.
 *
 * <p>Thread-safe: changes are serialized, reads see the last completed change, and {@link
 * #activeSigner()} returns a cached signer without touching the disk. One process must own the
 * directory. A change fails when another process changed the keyring since this store read it.
 * NOTE: there is no lock between processes, so two changes that overlap in time can still lose one.
 */
public final class FileKeyStore implements SigningKeyStore {

  /** The name of the metadata file. */
  public static final String KEYRING = "keyring.json";

  /** The suffix that key files the keyring does not name get when moved aside at opening. */
  static final String ORPHAN_SUFFIX = ".orphan";

  private static final byte[] SELF_TEST =
      "slipway signing key check".getBytes(StandardCharsets.UTF_8);
  private static final Logger log = LoggerFactory.getLogger(FileKeyStore.class);

  private final Path directory;
  private final MasterKey masterKey;
  private final Clock clock;
  private final DurableFiles files;
  private final Object changes = new Object();
  private volatile Snapshot snapshot;

  /** The state after the last completed change: the keyring and the active key's signer. */
  private record Snapshot(
      Keyring keyring, StoredKey activeKey, LocalSigner signer, TrustPolicy policy) {

    static Snapshot of(Keyring keyring, LocalSigner signer) {
      StoredKey active = keyring.active().orElse(null);
      if (active != null && (signer == null || !signer.hint().equals(active.hint()))) {
        throw new IllegalStateException(
            "The cached signer " + signer + " does not belong to the active key " + active.hint());
      }
      TrustPolicy policy =
          TrustPolicy.of(keyring.keys().stream().map(StoredKey::toTrustedKey).toList());
      return new Snapshot(keyring, active, active == null ? null : signer, policy);
    }
  }

  private FileKeyStore(
      Path directory, MasterKey masterKey, Clock clock, FileOperations operations) {
    this.directory = directory;
    this.masterKey = masterKey;
    this.clock = clock;
    this.files = new DurableFiles(operations);
  }

  /**
   * Opens the store in {@code directory}, creating the directory when missing. Removes what a crash
   * left behind (see the class description) and decrypts the active key, so that a wrong master key
   * fails here rather than at the first signature.
   *
   * @throws SigningException naming the file at fault when the keyring is damaged, a key file it
   *     names is missing, or the active key cannot be decrypted
   */
  public static FileKeyStore open(Path directory, MasterKey masterKey, Clock clock) {
    return open(directory, masterKey, clock, FileOperations.local());
  }

  static FileKeyStore open(
      Path directory, MasterKey masterKey, Clock clock, FileOperations operations) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(masterKey, "masterKey");
    Objects.requireNonNull(clock, "clock");
    FileKeyStore store =
        new FileKeyStore(directory.toAbsolutePath().normalize(), masterKey, clock, operations);
    store.load();
    return store;
  }

  private void load() {
    try {
      DurableFiles.createPrivateDirectories(directory);
      if (DurableFiles.isExposed(directory)) {
        log.warn(
            "Key store directory {} can be read by other users; restrict it with 'chmod 700 {}'",
            directory,
            directory);
      }
      Keyring keyring = readKeyring();
      new Leftovers(directory, files).clean(keyring);
      requireKeyFiles(keyring);
      StoredKey active = keyring.active().orElse(null);
      LocalSigner signer = active == null ? null : decrypt(active);
      snapshot = Snapshot.of(keyring, signer);
      log.info(
          "Opened key store {}: {} keys, generation {}, active key {}",
          directory,
          keyring.keys().size(),
          keyring.generation(),
          active == null ? "none" : active.hint());
    } catch (IOException e) {
      throw new SigningException("Cannot open the key store " + directory + ": " + e, e);
    }
  }

  private Keyring readKeyring() throws IOException {
    Path file = directory.resolve(KEYRING);
    try {
      return Keyring.parse(Files.readAllBytes(file), file, masterKey);
    } catch (NoSuchFileException e) {
      return Keyring.empty();
    }
  }

  private void requireKeyFiles(Keyring keyring) {
    for (StoredKey key : keyring.keys()) {
      Path file = keyFile(key.hint());
      if (!Files.isRegularFile(file)) {
        throw new SigningException(
            "The keyring "
                + directory.resolve(KEYRING)
                + " lists key "
                + key.hint()
                + " but its file "
                + file
                + " is missing; restore the key store from a backup");
      }
    }
  }

  /** Returns the store's directory. */
  public Path directory() {
    return directory;
  }

  /** Returns how many changes the keyring has seen; it grows by one with each change. */
  public long generation() {
    return snapshot.keyring().generation();
  }

  @Override
  public List<StoredKey> keys() {
    return snapshot.keyring().keys();
  }

  @Override
  public StoredKey generate(KeyAlgorithm algorithm, Instant expiresAt) {
    Objects.requireNonNull(algorithm, "algorithm");
    synchronized (changes) {
      Instant now = now();
      requireFutureExpiry(expiresAt, now);
      return add(algorithm.generate(), StoredKey.Origin.GENERATED, expiresAt, now);
    }
  }

  @Override
  public StoredKey importPrivateKey(String pkcs8Pem, Instant expiresAt) {
    PrivateKey privateKey = PemKeys.parsePrivateKey(pkcs8Pem);
    PublicKey publicKey = PublicKeyDerivation.of(privateKey);
    KeyPair pair = new KeyPair(publicKey, privateKey);
    selfTest(new LocalSigner(pair), "the imported PEM");
    synchronized (changes) {
      KeyHint hint = KeyHint.of(publicKey);
      snapshot
          .keyring()
          .find(hint)
          .ifPresent(
              existing -> {
                throw new SigningException(
                    "Key "
                        + hint
                        + " is already stored (state "
                        + existing.state()
                        + "); import each key once");
              });
      Instant now = now();
      requireFutureExpiry(expiresAt, now);
      return add(pair, StoredKey.Origin.IMPORTED, expiresAt, now);
    }
  }

  private StoredKey add(KeyPair pair, StoredKey.Origin origin, Instant expiresAt, Instant now) {
    Snapshot current = snapshot;
    boolean activate = current.activeKey() == null;
    KeyAlgorithm algorithm = KeyAlgorithm.of(pair.getPublic());
    KeyHint hint = KeyHint.of(pair.getPublic());
    StoredKey key =
        new StoredKey(
            hint,
            algorithm,
            pair.getPublic(),
            activate ? KeyState.ACTIVE : KeyState.STANDBY,
            origin,
            now,
            expiresAt,
            activate ? now : null,
            null,
            null);

    Path keyFile = keyFile(hint);
    write(keyFile, EncryptedKeyFile.seal(masterKey, hint, pair.getPrivate()));
    Keyring next = current.keyring().adding(key);
    try {
      writeKeyring(next);
    } catch (SigningException e) {
      deleteAfterFailure(keyFile, e);
      throw e;
    }
    LocalSigner signer = activate ? new LocalSigner(pair) : current.signer();
    snapshot = Snapshot.of(next, signer);
    log.info(
        "Added {} key {} to key store {} as {}, state {}",
        algorithm,
        hint,
        directory,
        origin,
        key.state());
    return key;
  }

  @Override
  public StoredKey activate(KeyHint hint) {
    synchronized (changes) {
      Snapshot current = snapshot;
      StoredKey key = require(current, hint);
      Instant now = now();
      switch (key.state()) {
        case ACTIVE:
          return key;
        case RETIRED:
        case REVOKED:
          throw new SigningException(
              "Key "
                  + hint
                  + " is "
                  + key.state()
                  + " and cannot sign again; generate or import a new key");
        default:
          break;
      }
      if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
        throw new SigningException(
            "Key " + hint + " expired at " + key.expiresAt() + "; generate or import a new key");
      }
      LocalSigner signer = decrypt(key);
      StoredKey activated = withState(key, KeyState.ACTIVE, now);
      Keyring next =
          current.activeKey() == null
              ? current.keyring().replacing(activated)
              : current
                  .keyring()
                  .replacing(withState(current.activeKey(), KeyState.STANDBY, now), activated);
      writeKeyring(next);
      snapshot = Snapshot.of(next, signer);
      log.info(
          "Activated key {} in key store {}; previous active key {} is now standby",
          hint,
          directory,
          current.activeKey() == null ? "none" : current.activeKey().hint());
      return activated;
    }
  }

  @Override
  public StoredKey retire(KeyHint hint) {
    synchronized (changes) {
      Snapshot current = snapshot;
      StoredKey key = require(current, hint);
      switch (key.state()) {
        case RETIRED:
          return key;
        case ACTIVE:
          throw new SigningException(
              "Key " + hint + " is the active key; activate another key first, then retire it");
        case REVOKED:
          throw new SigningException(
              "Key " + hint + " is revoked, which already stops it verifying anything");
        default:
          break;
      }
      // Rounded up so that what the key signed earlier in this second still counts as signed before
      // the retirement. Only a standby key can be retired, and it signs nothing, so no later
      // signature falls into that second.
      Instant retiredAt = clock.instant().plusNanos(999_999_999).truncatedTo(ChronoUnit.SECONDS);
      StoredKey retired = withState(key, KeyState.RETIRED, retiredAt);
      commit(current, retired);
      log.info("Retired key {} in key store {} at {}", hint, directory, retiredAt);
      return retired;
    }
  }

  @Override
  public StoredKey revoke(KeyHint hint) {
    synchronized (changes) {
      Snapshot current = snapshot;
      StoredKey key = require(current, hint);
      if (key.state() == KeyState.REVOKED) {
        return key;
      }
      StoredKey revoked = withState(key, KeyState.REVOKED, now());
      commit(current, revoked);
      log.info(
          "Revoked key {} in key store {}{}",
          hint,
          directory,
          key.state() == KeyState.ACTIVE ? "; no key is active until another is activated" : "");
      return revoked;
    }
  }

  @Override
  public LocalSigner activeSigner() {
    Snapshot current = snapshot;
    if (current.signer() == null) {
      throw new SigningException(
          "No signing key is active in key store " + directory + "; generate or activate one");
    }
    Instant expiresAt = current.activeKey().expiresAt();
    if (expiresAt != null && !clock.instant().isBefore(expiresAt)) {
      throw new SigningException(
          "The active key "
              + current.activeKey().hint()
              + " expired at "
              + expiresAt
              + "; generate or import a new key and activate it");
    }
    return current.signer();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Revoked keys stay in the policy, marked revoked, so that devices which trusted them learn of
   * the revocation.
   */
  @Override
  public TrustPolicy trustPolicy() {
    return snapshot.policy();
  }

  private void commit(Snapshot current, StoredKey changed) {
    Keyring next = current.keyring().replacing(changed);
    writeKeyring(next);
    // A single-key change never activates a key, so the active key stays or goes, and
    // Snapshot.of drops the signer when it goes.
    snapshot = Snapshot.of(next, current.signer());
  }

  private StoredKey require(Snapshot current, KeyHint hint) {
    Objects.requireNonNull(hint, "hint");
    return current
        .keyring()
        .find(hint)
        .orElseThrow(
            () ->
                new SigningException(
                    "Key " + hint + " is not in key store " + directory + "; list the keys"));
  }

  private LocalSigner decrypt(StoredKey key) {
    Path file = keyFile(key.hint());
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SigningException(
          "Cannot read key file " + file + " of key " + key.hint() + ": " + e, e);
    }
    PrivateKey privateKey =
        EncryptedKeyFile.open(masterKey, key.hint(), key.algorithm(), content, file);
    LocalSigner signer = new LocalSigner(new KeyPair(key.publicKey(), privateKey));
    selfTest(signer, "key file " + file);
    return signer;
  }

  /** Signs and verifies a fixed text, which fails when the private key is not the public key's. */
  private static void selfTest(LocalSigner signer, String source) {
    byte[] signature = signer.sign(SELF_TEST);
    if (!signer.algorithm().verify(signer.publicKey(), SELF_TEST, signature)) {
      throw new SigningException(
          "The private key in " + source + " does not match public key " + signer.hint());
    }
  }

  private static StoredKey withState(StoredKey key, KeyState state, Instant at) {
    return new StoredKey(
        key.hint(),
        key.algorithm(),
        key.publicKey(),
        state,
        key.origin(),
        key.createdAt(),
        key.expiresAt(),
        state == KeyState.ACTIVE ? at : key.activatedAt(),
        state == KeyState.RETIRED ? at : key.retiredAt(),
        state == KeyState.REVOKED ? at : key.revokedAt());
  }

  private void requireFutureExpiry(Instant expiresAt, Instant now) {
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw new SigningException(
          "Expiry " + expiresAt + " is not after now (" + now + "); give a later instant or none");
    }
  }

  private void writeKeyring(Keyring keyring) {
    requireUnchangedOnDisk(keyring.generation() - 1);
    write(directory.resolve(KEYRING), keyring.toJson(masterKey));
  }

  /** Refuses to overwrite a keyring that another process changed since this store read it. */
  private void requireUnchangedOnDisk(long expectedGeneration) {
    long onDisk;
    try {
      onDisk = readKeyring().generation();
    } catch (IOException e) {
      throw new SigningException("Cannot read " + directory.resolve(KEYRING) + ": " + e, e);
    }
    if (onDisk != expectedGeneration) {
      throw new SigningException(
          "The keyring "
              + directory.resolve(KEYRING)
              + " is at generation "
              + onDisk
              + " but this store read generation "
              + expectedGeneration
              + ": another process changed it. Let one process own the key store and reopen it");
    }
  }

  private void write(Path file, byte[] content) {
    try {
      files.replace(file, content);
    } catch (IOException e) {
      throw new SigningException("Cannot write " + file + ": " + e, e);
    }
  }

  private void deleteAfterFailure(Path keyFile, SigningException failure) {
    try {
      files.delete(keyFile);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private Path keyFile(KeyHint hint) {
    return directory.resolve(EncryptedKeyFile.fileName(hint));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "FileKeyStore[" + directory + "]";
  }
}
