package io.slipway.signing.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.MutableClock;
import io.slipway.signing.SigningException;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.trust.TrustedKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class FileKeyStoreTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static final byte[] DATA = "release 7 of acme/gateways".getBytes(StandardCharsets.UTF_8);

  @TempDir Path directory;

  private final MasterKey masterKey = MasterKey.generate();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00.250Z"));

  private FileKeyStore open() {
    return FileKeyStore.open(directory, masterKey, clock);
  }

  /**
   * Rewrites keyring.json as compact JSON after {@code edit}, as someone without the master key.
   */
  private void editKeyring(Consumer<ObjectNode> edit) throws IOException {
    Path keyring = directory.resolve(FileKeyStore.KEYRING);
    ObjectNode root = (ObjectNode) JSON.readTree(Files.readAllBytes(keyring));
    edit.accept(root);
    Files.write(keyring, JSON.writeValueAsBytes(root));
  }

  @Test
  void firstGeneratedKeyIsActiveAndSigns() {
    FileKeyStore store = open();

    StoredKey key = store.generate(KeyAlgorithm.ECDSA_P256, null);

    assertThat(key.state()).isEqualTo(KeyState.ACTIVE);
    assertThat(key.origin()).isEqualTo(StoredKey.Origin.GENERATED);
    assertThat(key.createdAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(store.activeSigner().hint()).isEqualTo(key.hint());
    assertThat(verifies(key, store.activeSigner().sign(DATA))).isTrue();
  }

  @Test
  void laterKeysStartInStandby() {
    FileKeyStore store = open();
    StoredKey first = store.generate(KeyAlgorithm.ECDSA_P256, null);

    StoredKey second = store.generate(KeyAlgorithm.ED25519, null);

    assertThat(second.state()).isEqualTo(KeyState.STANDBY);
    assertThat(store.activeSigner().hint()).isEqualTo(first.hint());
    assertThat(store.keys())
        .extracting(StoredKey::hint)
        .containsExactly(first.hint(), second.hint());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void importsKeyMadeByJca(KeyAlgorithm algorithm) {
    FileKeyStore store = open();
    var pair = algorithm.generate();

    StoredKey key = store.importPrivateKey(PemKeys.privateKeyPem(pair.getPrivate()), null);

    assertThat(key.hint()).isEqualTo(KeyHint.of(pair.getPublic()));
    assertThat(key.algorithm()).isEqualTo(algorithm);
    assertThat(key.origin()).isEqualTo(StoredKey.Origin.IMPORTED);
    assertThat(verifies(key, store.activeSigner().sign(DATA))).isTrue();
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void importsKeyMadeByOpenssl(KeyAlgorithm algorithm) throws Exception {
    String pem = opensslPrivateKey(algorithm);
    FileKeyStore store = open();

    StoredKey key = store.importPrivateKey(pem, null);

    assertThat(key.algorithm()).isEqualTo(algorithm);
    assertThat(key.hint()).isEqualTo(KeyHint.of(opensslPublicKey(pem)));
    assertThat(verifies(key, store.activeSigner().sign(DATA))).isTrue();
  }

  @Test
  void importOfStoredKeyFailsNamingHint() {
    FileKeyStore store = open();
    var pair = KeyAlgorithm.ECDSA_P256.generate();
    String pem = PemKeys.privateKeyPem(pair.getPrivate());
    store.importPrivateKey(pem, null);

    assertThatThrownBy(() -> store.importPrivateKey(pem, null))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(KeyHint.of(pair.getPublic()).value())
        .hasMessageContaining("already stored");
  }

  @Test
  void importOfP384KeyIsRejected() throws Exception {
    var generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    String pem = PemKeys.privateKeyPem(generator.generateKeyPair().getPrivate());
    FileKeyStore store = open();

    assertThatThrownBy(() -> store.importPrivateKey(pem, null))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("384-bit");
    assertThat(store.keys()).isEmpty();
  }

  @Test
  void concurrentChangesAllLand() throws Exception {
    FileKeyStore store = open();
    int threads = 8;
    int keysPerThread = 3;
    var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int k = 0; k < keysPerThread; k++) {
                    store.generate(KeyAlgorithm.ECDSA_P256, null);
                  }
                }));
      }
      for (var future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    FileKeyStore reopened = open();
    assertThat(reopened.keys()).hasSize(threads * keysPerThread);
    assertThat(reopened.keys()).filteredOn(key -> key.state() == KeyState.ACTIVE).hasSize(1);
    assertThat(reopened.generation()).isEqualTo(threads * keysPerThread);
    assertThat(reopened.keys()).isEqualTo(store.keys());
  }

  @Test
  void keyringRetiredBeforeCreationIsDamaged() throws IOException {
    FileKeyStore store = open();
    store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey standby = store.generate(KeyAlgorithm.ECDSA_P256, null);
    store.retire(standby.hint());
    Path keyring = directory.resolve(FileKeyStore.KEYRING);
    String content =
        Files.readString(keyring).replace("\"2026-03-01T10:00:01Z\"", "\"2020-01-01T00:00:00Z\"");
    Files.writeString(keyring, content);

    assertThatThrownBy(this::open)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(keyring.toString())
        .hasMessageContaining("keys[1]");
  }

  @Test
  void importOfUnreadablePemFails() {
    FileKeyStore store = open();

    assertThatThrownBy(() -> store.importPrivateKey("not a key", null))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("PRIVATE KEY");
  }

  @Test
  void expiryInThePastIsRejected() {
    FileKeyStore store = open();

    assertThatThrownBy(
            () -> store.generate(KeyAlgorithm.ECDSA_P256, Instant.parse("2026-02-01T00:00:00Z")))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("2026-02-01T00:00:00Z");
  }

  @Test
  void rotationKeepsOldKeyVerifyingUntilRetired() {
    FileKeyStore store = open();
    StoredKey old = store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey next = store.generate(KeyAlgorithm.ECDSA_P256, null);
    Instant signedByOld = clock.instant();
    clock.advance(Duration.ofMinutes(1));

    StoredKey activated = store.activate(next.hint());

    assertThat(activated.state()).isEqualTo(KeyState.ACTIVE);
    assertThat(store.activeSigner().hint()).isEqualTo(next.hint());
    assertThat(state(store, old.hint())).isEqualTo(KeyState.STANDBY);
    assertThat(store.trustPolicy().check(old.hint(), signedByOld, clock.instant()).hint())
        .isEqualTo(old.hint());

    clock.advance(Duration.ofMinutes(1));
    store.retire(old.hint());
    clock.advance(Duration.ofMinutes(1));

    assertThat(store.trustPolicy().check(old.hint(), signedByOld, clock.instant()).hint())
        .isEqualTo(old.hint());
    assertThat(store.activeSigner().hint()).isEqualTo(next.hint());
    assertThatThrownBy(
            () -> store.trustPolicy().check(old.hint(), clock.instant(), clock.instant()))
        .isInstanceOf(VerificationException.class)
        .extracting(e -> ((VerificationException) e).failure())
        .isEqualTo(VerificationFailure.KEY_RETIRED);
  }

  @Test
  void retirementRoundsUpToWholeSecond() {
    FileKeyStore store = open();
    store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey standby = store.generate(KeyAlgorithm.ECDSA_P256, null);

    StoredKey retired = store.retire(standby.hint());

    assertThat(retired.retiredAt()).isEqualTo(Instant.parse("2026-03-01T10:00:01Z"));
  }

  @Test
  void retiringActiveKeyFailsSayingToActivateAnother() {
    FileKeyStore store = open();
    StoredKey active = store.generate(KeyAlgorithm.ECDSA_P256, null);

    assertThatThrownBy(() -> store.retire(active.hint()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(active.hint().value())
        .hasMessageContaining("activate another key first");
  }

  @Test
  void retiringRevokedKeyFails() {
    FileKeyStore store = open();
    store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey other = store.generate(KeyAlgorithm.ECDSA_P256, null);
    store.revoke(other.hint());

    assertThatThrownBy(() -> store.retire(other.hint()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("revoked");
  }

  @Test
  void activatingRetiredKeyFails() {
    FileKeyStore store = open();
    store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey other = store.generate(KeyAlgorithm.ECDSA_P256, null);
    store.retire(other.hint());

    assertThatThrownBy(() -> store.activate(other.hint()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("RETIRED");
  }

  @Test
  void activatingRevokedKeyFails() {
    FileKeyStore store = open();
    store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey other = store.generate(KeyAlgorithm.ECDSA_P256, null);
    store.revoke(other.hint());

    assertThatThrownBy(() -> store.activate(other.hint()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("REVOKED");
  }

  @Test
  void activatingExpiredKeyFails() {
    FileKeyStore store = open();
    store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey other =
        store.generate(KeyAlgorithm.ECDSA_P256, clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(2));

    assertThatThrownBy(() -> store.activate(other.hint()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void activatingUnknownKeyFails() {
    FileKeyStore store = open();
    KeyHint unknown = KeyHint.of(KeyAlgorithm.ECDSA_P256.generate().getPublic());

    assertThatThrownBy(() -> store.activate(unknown))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(unknown.value());
  }

  @Test
  void expiredActiveKeyNoLongerSigns() {
    FileKeyStore store = open();
    store.generate(KeyAlgorithm.ECDSA_P256, clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(2));

    assertThatThrownBy(store::activeSigner)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void revokedKeyStaysInTrustPolicyMarkedRevoked() {
    FileKeyStore store = open();
    store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey other = store.generate(KeyAlgorithm.ED25519, null);

    store.revoke(other.hint());

    TrustedKey trusted = store.trustPolicy().find(other.hint()).orElseThrow();
    assertThat(trusted.revoked()).isTrue();
    assertThatThrownBy(() -> store.trustPolicy().check(other.hint(), null, clock.instant()))
        .isInstanceOf(VerificationException.class)
        .extracting(e -> ((VerificationException) e).failure())
        .isEqualTo(VerificationFailure.KEY_REVOKED);
  }

  @Test
  void trustPolicyReflectsStates() {
    FileKeyStore store = open();
    StoredKey active = store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey standby = store.generate(KeyAlgorithm.ED25519, Instant.parse("2027-01-01T00:00:00Z"));
    StoredKey retired = store.generate(KeyAlgorithm.ECDSA_P256, null);
    store.retire(retired.hint());

    var policy = store.trustPolicy();

    assertThat(policy.keys()).hasSize(3);
    assertThat(policy.find(active.hint()).orElseThrow().validFrom()).isEqualTo(active.createdAt());
    assertThat(policy.find(standby.hint()).orElseThrow().validUntil())
        .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(policy.find(retired.hint()).orElseThrow().retiredAt()).isNotNull();
  }

  @Test
  void revokingActiveKeyLeavesNoSigner() {
    FileKeyStore store = open();
    StoredKey active = store.generate(KeyAlgorithm.ECDSA_P256, null);

    store.revoke(active.hint());

    assertThatThrownBy(store::activeSigner)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("generate or activate one");
  }

  @Test
  void reopenedStoreHasSameKeysAndSigns() {
    FileKeyStore store = open();
    StoredKey first = store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey second = store.generate(KeyAlgorithm.ED25519, null);
    store.activate(second.hint());
    store.retire(first.hint());

    FileKeyStore reopened = open();

    assertThat(reopened.keys()).isEqualTo(store.keys());
    assertThat(reopened.generation()).isEqualTo(store.generation());
    assertThat(reopened.activeSigner().hint()).isEqualTo(second.hint());
    assertThat(verifies(second, reopened.activeSigner().sign(DATA))).isTrue();
  }

  @Test
  void changeByAnotherProcessIsDetected() {
    FileKeyStore first = open();
    first.generate(KeyAlgorithm.ECDSA_P256, null);
    FileKeyStore second = open();
    second.generate(KeyAlgorithm.ECDSA_P256, null);

    assertThatThrownBy(() -> first.generate(KeyAlgorithm.ED25519, null))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("another process changed it");
    assertThat(open().keys()).hasSize(2);
    assertThat(keyFileCount()).isEqualTo(2);
  }

  @Test
  void wrongMasterKeyFailsAtKeyring() {
    open().generate(KeyAlgorithm.ECDSA_P256, null);

    assertThatThrownBy(() -> FileKeyStore.open(directory, MasterKey.generate(), clock))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(directory.resolve(FileKeyStore.KEYRING).toString())
        .hasMessageContaining("the master key is not the one the store was written with");
  }

  @Test
  void keyringEditedToAddKeyIsRejected() throws IOException {
    open().generate(KeyAlgorithm.ECDSA_P256, null);
    var intruder = KeyAlgorithm.ECDSA_P256.generate().getPublic();
    KeyHint intruderHint = KeyHint.of(intruder);
    editKeyring(
        root -> {
          ObjectNode entry = ((ObjectNode) root.get("keys").get(0)).deepCopy();
          entry.put("hint", intruderHint.value());
          entry.put("publicKey", PemKeys.publicKeyPem(intruder));
          entry.put("state", "STANDBY");
          entry.putNull("activatedAt");
          ((ArrayNode) root.get("keys")).add(entry);
        });
    Files.write(directory.resolve(EncryptedKeyFile.fileName(intruderHint)), new byte[] {1, 2, 3});

    assertThatThrownBy(this::open)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(directory.resolve(FileKeyStore.KEYRING).toString())
        .hasMessageContaining("does not match its content");
  }

  @Test
  void keyringEditedToLiftRevocationIsRejected() throws IOException {
    FileKeyStore store = open();
    store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey revoked = store.generate(KeyAlgorithm.ECDSA_P256, null);
    store.revoke(revoked.hint());
    editKeyring(
        root -> {
          ObjectNode entry = (ObjectNode) root.get("keys").get(1);
          entry.put("state", "STANDBY");
          entry.putNull("revokedAt");
        });

    assertThatThrownBy(this::open)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("does not match its content");
  }

  @Test
  void keyringWithoutMacIsRejected() throws IOException {
    open().generate(KeyAlgorithm.ECDSA_P256, null);
    editKeyring(root -> root.remove(Keyring.MAC_FIELD));

    assertThatThrownBy(this::open)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("'mac' is missing");
  }

  @Test
  void keyringOfFormatOneIsRejected() throws IOException {
    open().generate(KeyAlgorithm.ECDSA_P256, null);
    editKeyring(
        root -> {
          root.put("format", 1);
          root.remove(Keyring.MAC_FIELD);
        });

    assertThatThrownBy(this::open)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(
            "format 1, written by a development build before keyrings carried a MAC");
  }

  @Test
  void reformattedKeyringStillOpens() throws IOException {
    StoredKey key = open().generate(KeyAlgorithm.ECDSA_P256, null);
    editKeyring(root -> {});

    assertThat(open().activeSigner().hint()).isEqualTo(key.hint());
  }

  @Test
  void truncatedKeyringFailsNamingFile() throws IOException {
    open().generate(KeyAlgorithm.ECDSA_P256, null);
    Path keyring = directory.resolve(FileKeyStore.KEYRING);
    byte[] content = Files.readAllBytes(keyring);
    Files.write(keyring, java.util.Arrays.copyOf(content, content.length / 2));

    assertThatThrownBy(this::open)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(keyring.toString())
        .hasMessageContaining("damaged");
  }

  @Test
  void emptyKeyringFileFailsNamingFile() throws IOException {
    open().generate(KeyAlgorithm.ECDSA_P256, null);
    Path keyring = directory.resolve(FileKeyStore.KEYRING);
    Files.write(keyring, new byte[0]);

    assertThatThrownBy(this::open)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(keyring.toString());
  }

  @Test
  void keyringWithMissingFieldFailsNamingField() throws IOException {
    open().generate(KeyAlgorithm.ECDSA_P256, null);
    Path keyring = directory.resolve(FileKeyStore.KEYRING);
    String content = Files.readString(keyring).replace("\"state\"", "\"status\"");
    Files.writeString(keyring, content);

    assertThatThrownBy(this::open)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(keyring.toString())
        .hasMessageContaining("keys[0].state");
  }

  @Test
  void missingKeyFileFailsNamingIt() throws IOException {
    StoredKey key = open().generate(KeyAlgorithm.ECDSA_P256, null);
    Path file = directory.resolve(EncryptedKeyFile.fileName(key.hint()));
    Files.delete(file);

    assertThatThrownBy(this::open)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void renamedKeyFileFailsToDecrypt() throws IOException {
    FileKeyStore store = open();
    StoredKey first = store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey second = store.generate(KeyAlgorithm.ECDSA_P256, null);
    Files.copy(
        directory.resolve(EncryptedKeyFile.fileName(first.hint())),
        directory.resolve(EncryptedKeyFile.fileName(second.hint())),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> store.activate(second.hint()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("Cannot decrypt key " + second.hint().value());
  }

  @Test
  void alteredKeyFileFailsToDecrypt() throws IOException {
    FileKeyStore store = open();
    store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey standby = store.generate(KeyAlgorithm.ECDSA_P256, null);
    Path file = directory.resolve(EncryptedKeyFile.fileName(standby.hint()));
    byte[] content = Files.readAllBytes(file);
    content[content.length - 1] ^= 1;
    Files.write(file, content);

    assertThatThrownBy(() -> store.activate(standby.hint()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("Cannot decrypt key " + standby.hint().value())
        .hasMessageContaining(file.toString());
    assertThat(store.activeSigner().hint()).isNotEqualTo(standby.hint());
  }

  @Test
  void unknownKeyFileFormatFailsNamingIt() throws IOException {
    FileKeyStore store = open();
    StoredKey key = store.generate(KeyAlgorithm.ECDSA_P256, null);
    Path file = directory.resolve(EncryptedKeyFile.fileName(key.hint()));
    byte[] content = Files.readAllBytes(file);
    content[0] = 9;
    Files.write(file, content);

    assertThatThrownBy(this::open)
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("format byte 9");
  }

  @Test
  void keyFileHoldsNoPlainKeyMaterial() throws IOException {
    FileKeyStore store = open();
    var pair = KeyAlgorithm.ECDSA_P256.generate();
    StoredKey key = store.importPrivateKey(PemKeys.privateKeyPem(pair.getPrivate()), null);

    byte[] content = Files.readAllBytes(directory.resolve(EncryptedKeyFile.fileName(key.hint())));

    assertThat(content[0]).isEqualTo(EncryptedKeyFile.FORMAT);
    assertThat(indexOf(content, pair.getPrivate().getEncoded())).isEqualTo(-1);
    assertThat(Files.readString(directory.resolve(FileKeyStore.KEYRING))).doesNotContain("PRIVATE");
  }

  @Test
  void filesAreReadableByOwnerOnly() throws IOException {
    Assumptions.assumeTrue(DurableFiles.POSIX, "the file system has no POSIX permissions");
    Path nested = directory.resolve("keys").resolve("signing");
    FileKeyStore store = FileKeyStore.open(nested, masterKey, clock);
    StoredKey key = store.generate(KeyAlgorithm.ECDSA_P256, null);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)))
        .isEqualTo("rwx------");
    assertThat(permissions(nested.resolve(FileKeyStore.KEYRING))).isEqualTo("rw-------");
    assertThat(permissions(nested.resolve(EncryptedKeyFile.fileName(key.hint()))))
        .isEqualTo("rw-------");
  }

  @Test
  void toStringShowsNoKeyMaterial() {
    FileKeyStore store = open();
    store.generate(KeyAlgorithm.ECDSA_P256, null);

    assertThat(store.toString()).doesNotContain(masterKey.toBase64());
    assertThat(masterKey.toString()).doesNotContain(masterKey.toBase64());
    assertThat(store.activeSigner().toString()).doesNotContain("PRIVATE");
  }

  private long keyFileCount() {
    try (var entries = Files.list(directory)) {
      return entries.filter(entry -> entry.toString().endsWith(EncryptedKeyFile.SUFFIX)).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean verifies(StoredKey key, byte[] signature) {
    return key.algorithm().verify(key.publicKey(), DATA, signature);
  }

  private static KeyState state(FileKeyStore store, KeyHint hint) {
    return store.keys().stream()
        .filter(key -> key.hint().equals(hint))
        .findFirst()
        .orElseThrow()
        .state();
  }

  private static String permissions(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private String opensslPrivateKey(KeyAlgorithm algorithm) throws Exception {
    boolean present = Files.isExecutable(Path.of("/usr/bin/openssl"));
    if ("true".equals(System.getenv("CI"))) {
      assertThat(present).as("openssl is required when CI=true").isTrue();
    }
    Assumptions.assumeTrue(present, "openssl is not installed");
    Path file = Files.createTempFile(directory.getParent(), "imported", ".pem");
    String[] command =
        algorithm == KeyAlgorithm.ED25519
            ? new String[] {"openssl", "genpkey", "-algorithm", "ED25519", "-out", file.toString()}
            : new String[] {
              "openssl",
              "genpkey",
              "-algorithm",
              "EC",
              "-pkeyopt",
              "ec_paramgen_curve:P-256",
              "-out",
              file.toString()
            };
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl genpkey finished").isTrue();
    assertThat(process.exitValue()).as("openssl genpkey exit code").isZero();
    try {
      return Files.readString(file);
    } finally {
      Files.delete(file);
    }
  }

  private java.security.PublicKey opensslPublicKey(String privatePem) throws Exception {
    Process process = new ProcessBuilder("openssl", "pkey", "-pubout").start();
    process.getOutputStream().write(privatePem.getBytes(StandardCharsets.US_ASCII));
    process.getOutputStream().close();
    String publicPem =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl pkey finished").isTrue();
    return PemKeys.parsePublicKey(publicPem);
  }

  @Test
  void masterKeyRoundTripsThroughBase64() {
    MasterKey restored = MasterKey.fromBase64(masterKey.toBase64());

    assertThat(restored.toBase64()).isEqualTo(masterKey.toBase64());
  }

  @Test
  void masterKeyOfWrongLengthIsRejected() {
    String sixteenBytes = Base64.getEncoder().encodeToString(new byte[16]);

    assertThatThrownBy(() -> MasterKey.fromBase64(sixteenBytes))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("16");
  }

  @Test
  void masterKeyFileCreatedOwnerOnly() throws IOException {
    Path file = directory.resolve("config").resolve("signing-master.key");

    MasterKey created = MasterKey.readOrCreate(file);
    MasterKey read = MasterKey.readOrCreate(file);

    assertThat(read.toBase64()).isEqualTo(created.toBase64());
    if (DurableFiles.POSIX) {
      assertThat(permissions(file)).isEqualTo("rw-------");
    }
  }

  @Test
  void damagedMasterKeyFileFailsNamingIt() throws IOException {
    Path file = directory.resolve("signing-master.key");
    Files.writeString(file, "not base64 at all!");

    assertThatThrownBy(() -> MasterKey.readOrCreate(file))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining(file.toString());
  }
}
