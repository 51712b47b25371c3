package io.slipway.signing.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.signing.MutableClock;
import io.slipway.signing.key.KeyAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stops key store changes between two file system steps, as a crash would. A store opened
 * afterwards from the same directory must read the state before or after the change, with exactly
 * one active key and a working signer.
 */
class FileKeyStoreCrashTest {

  private static final byte[] DATA = "target state".getBytes(StandardCharsets.UTF_8);

  @TempDir Path directory;

  private final MasterKey masterKey = MasterKey.generate();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

  /** The step of a write at which the simulated crash happens. */
  private enum Step {
    CREATE,
    MOVE,
    SYNC
  }

  /** Thrown in place of a crash; an Error, so the store's cleanup of IOExceptions does not run. */
  private static final class SimulatedCrash extends Error {
    SimulatedCrash(String where) {
      super("simulated crash at " + where);
    }
  }

  /** Runs the real file system steps until the chosen one on a file whose name matches. */
  private static final class CrashingOperations implements FileOperations {

    private final Step step;
    private final String nameFragment;

    CrashingOperations(Step step, String nameFragment) {
      this.step = step;
      this.nameFragment = nameFragment;
    }

    @Override
    public void createAndSync(Path file, byte[] content) throws IOException {
      FileOperations.local().createAndSync(file, content);
      crashIf(Step.CREATE, file);
    }

    @Override
    public void moveAtomically(Path source, Path target) throws IOException {
      crashIf(Step.MOVE, target);
      FileOperations.local().moveAtomically(source, target);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
      crashIf(Step.SYNC, directory.resolve(nameFragment));
      FileOperations.local().syncDirectory(directory);
    }

    @Override
    public void deleteIfExists(Path file) throws IOException {
      FileOperations.local().deleteIfExists(file);
    }

    private void crashIf(Step current, Path file) {
      if (current == step && file.getFileName().toString().contains(nameFragment)) {
        throw new SimulatedCrash(current + " of " + file.getFileName());
      }
    }
  }

  private FileKeyStore openCrashingAt(Step step, String nameFragment) {
    return FileKeyStore.open(
        directory, masterKey, clock, new CrashingOperations(step, nameFragment));
  }

  private FileKeyStore reopen() {
    return FileKeyStore.open(directory, masterKey, clock);
  }

  @Test
  void crashBeforeRotationRenameKeepsOldActiveKey() {
    FileKeyStore healthy = reopen();
    StoredKey old = healthy.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey next = healthy.generate(KeyAlgorithm.ED25519, null);

    FileKeyStore crashing = openCrashingAt(Step.MOVE, FileKeyStore.KEYRING);
    assertThatThrownBy(() -> crashing.activate(next.hint())).isInstanceOf(SimulatedCrash.class);
    assertThat(temporaryFiles()).hasSize(1);

    FileKeyStore reopened = reopen();
    assertConsistent(reopened);
    assertThat(reopened.activeSigner().hint()).isEqualTo(old.hint());
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void crashAfterRotationRenameHasNewActiveKey() {
    FileKeyStore healthy = reopen();
    StoredKey old = healthy.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey next = healthy.generate(KeyAlgorithm.ED25519, null);

    FileKeyStore crashing = openCrashingAt(Step.SYNC, FileKeyStore.KEYRING);
    assertThatThrownBy(() -> crashing.activate(next.hint())).isInstanceOf(SimulatedCrash.class);

    FileKeyStore reopened = reopen();
    assertConsistent(reopened);
    assertThat(reopened.activeSigner().hint()).isEqualTo(next.hint());
    assertThat(reopened.trustPolicy().find(old.hint())).isPresent();
  }

  @Test
  void crashWhileWritingKeyringTemporaryKeepsOldState() {
    FileKeyStore healthy = reopen();
    StoredKey old = healthy.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey next = healthy.generate(KeyAlgorithm.ECDSA_P256, null);

    FileKeyStore crashing = openCrashingAt(Step.CREATE, FileKeyStore.KEYRING);
    assertThatThrownBy(() -> crashing.activate(next.hint())).isInstanceOf(SimulatedCrash.class);

    FileKeyStore reopened = reopen();
    assertConsistent(reopened);
    assertThat(reopened.activeSigner().hint()).isEqualTo(old.hint());
  }

  @Test
  void crashBetweenKeyFileAndKeyringMovesOrphanAside() throws IOException {
    FileKeyStore healthy = reopen();
    StoredKey active = healthy.generate(KeyAlgorithm.ECDSA_P256, null);
    long generation = healthy.generation();

    FileKeyStore crashing = openCrashingAt(Step.MOVE, FileKeyStore.KEYRING);
    assertThatThrownBy(() -> crashing.generate(KeyAlgorithm.ED25519, null))
        .isInstanceOf(SimulatedCrash.class);
    assertThat(keyFiles()).hasSize(2);

    FileKeyStore reopened = reopen();
    assertConsistent(reopened);
    assertThat(reopened.keys()).extracting(StoredKey::hint).containsExactly(active.hint());
    assertThat(reopened.generation()).isEqualTo(generation);
    assertThat(keyFiles()).hasSize(1);
    assertThat(orphanFiles()).hasSize(1);
  }

  @Test
  void crashBeforeFirstKeyringLeavesUsableEmptyStore() throws IOException {
    FileKeyStore crashing = openCrashingAt(Step.MOVE, FileKeyStore.KEYRING);
    assertThatThrownBy(() -> crashing.generate(KeyAlgorithm.ECDSA_P256, null))
        .isInstanceOf(SimulatedCrash.class);

    FileKeyStore reopened = reopen();
    assertThat(reopened.keys()).isEmpty();
    assertThat(orphanFiles()).hasSize(1);

    StoredKey key = reopened.generate(KeyAlgorithm.ECDSA_P256, null);
    assertConsistent(reopened);
    assertThat(reopened.activeSigner().hint()).isEqualTo(key.hint());
  }

  @Test
  void crashWhileWritingKeyFileLeavesOnlyTemporaryFile() throws IOException {
    FileKeyStore healthy = reopen();
    StoredKey active = healthy.generate(KeyAlgorithm.ECDSA_P256, null);

    FileKeyStore crashing = openCrashingAt(Step.CREATE, EncryptedKeyFile.SUFFIX);
    assertThatThrownBy(() -> crashing.generate(KeyAlgorithm.ECDSA_P256, null))
        .isInstanceOf(SimulatedCrash.class);
    assertThat(temporaryFiles()).hasSize(1);

    FileKeyStore reopened = reopen();
    assertConsistent(reopened);
    assertThat(reopened.keys()).extracting(StoredKey::hint).containsExactly(active.hint());
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void crashDuringRetirementKeepsOneActiveKey() {
    FileKeyStore healthy = reopen();
    StoredKey old = healthy.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey next = healthy.generate(KeyAlgorithm.ECDSA_P256, null);
    healthy.activate(next.hint());

    FileKeyStore crashing = openCrashingAt(Step.MOVE, FileKeyStore.KEYRING);
    assertThatThrownBy(() -> crashing.retire(old.hint())).isInstanceOf(SimulatedCrash.class);

    FileKeyStore reopened = reopen();
    assertConsistent(reopened);
    assertThat(reopened.activeSigner().hint()).isEqualTo(next.hint());
    assertThat(reopened.keys().get(0).state()).isEqualTo(KeyState.STANDBY);
  }

  @Test
  void failedKeyringWriteLeavesStoreInMemoryUnchanged() throws IOException {
    FileKeyStore store = reopen();
    StoredKey old = store.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey next = store.generate(KeyAlgorithm.ECDSA_P256, null);
    Path keyring = directory.resolve(FileKeyStore.KEYRING);
    // A directory in the way of the temporary file's rename makes the write fail with an
    // IOException, which the store reports and survives.
    Files.delete(keyring);
    Files.createDirectory(keyring);
    Files.writeString(keyring.resolve("blocker"), "x");

    assertThatThrownBy(() -> store.activate(next.hint()))
        .isInstanceOf(io.slipway.signing.SigningException.class)
        .hasMessageContaining(keyring.toString());
    assertThat(store.activeSigner().hint()).isEqualTo(old.hint());
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void failedDirectorySyncAfterRenameStillCommits() {
    FileKeyStore healthy = reopen();
    healthy.generate(KeyAlgorithm.ECDSA_P256, null);
    StoredKey next = healthy.generate(KeyAlgorithm.ECDSA_P256, null);
    FileKeyStore store =
        FileKeyStore.open(
            directory,
            masterKey,
            clock,
            new FailingOperations(Step.SYNC, new IOException("fsync failed")));

    store.activate(next.hint());

    assertThat(store.activeSigner().hint()).isEqualTo(next.hint());
    assertThat(reopen().activeSigner().hint()).isEqualTo(next.hint());
  }

  @Test
  void failedKeyFileWriteLeavesNoTrace() throws IOException {
    FileKeyStore healthy = reopen();
    StoredKey active = healthy.generate(KeyAlgorithm.ECDSA_P256, null);
    FileKeyStore store =
        FileKeyStore.open(
            directory,
            masterKey,
            clock,
            new FailingOperations(Step.CREATE, new IOException("disk full")));

    assertThatThrownBy(() -> store.generate(KeyAlgorithm.ECDSA_P256, null))
        .isInstanceOf(io.slipway.signing.SigningException.class)
        .hasMessageContaining("disk full");
    assertThat(store.keys()).extracting(StoredKey::hint).containsExactly(active.hint());
    assertThat(temporaryFiles()).isEmpty();
    assertThat(keyFiles()).hasSize(1);
  }

  /** Runs the real file system steps but fails the chosen one with an IOException. */
  private static final class FailingOperations implements FileOperations {

    private final Step step;
    private final IOException failure;

    FailingOperations(Step step, IOException failure) {
      this.step = step;
      this.failure = failure;
    }

    @Override
    public void createAndSync(Path file, byte[] content) throws IOException {
      FileOperations.local().createAndSync(file, content);
      failIf(Step.CREATE);
    }

    @Override
    public void moveAtomically(Path source, Path target) throws IOException {
      failIf(Step.MOVE);
      FileOperations.local().moveAtomically(source, target);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
      failIf(Step.SYNC);
      FileOperations.local().syncDirectory(directory);
    }

    @Override
    public void deleteIfExists(Path file) throws IOException {
      FileOperations.local().deleteIfExists(file);
    }

    private void failIf(Step current) throws IOException {
      if (current == step) {
        throw failure;
      }
    }
  }

  private void assertConsistent(FileKeyStore store) {
    List<StoredKey> active =
        store.keys().stream().filter(key -> key.state() == KeyState.ACTIVE).toList();
    assertThat(active).as("active keys").hasSize(1);
    StoredKey key = active.get(0);
    byte[] signature = store.activeSigner().sign(DATA);
    assertThat(key.algorithm().verify(key.publicKey(), DATA, signature))
        .as("signature of the active key verifies")
        .isTrue();
    assertThat(store.trustPolicy().check(key.hint(), clock.instant(), clock.instant()).hint())
        .isEqualTo(key.hint());
  }

  private List<Path> temporaryFiles() {
    return list(DurableFiles.TEMPORARY_SUFFIX);
  }

  private List<Path> keyFiles() {
    return list(EncryptedKeyFile.SUFFIX);
  }

  private List<Path> orphanFiles() {
    return list(FileKeyStore.ORPHAN_SUFFIX);
  }

  private List<Path> list(String suffix) {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.filter(entry -> entry.getFileName().toString().endsWith(suffix)).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
