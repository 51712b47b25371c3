package io.slipway.signing.keystore;

import io.slipway.signing.SigningException;
import io.slipway.signing.key.KeyHint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what an interrupted change left in a key store directory: temporary files, and the file
 * of a key whose keyring write never happened. Used once, when the store opens.
 */
final class Leftovers {

  private static final Logger log = LoggerFactory.getLogger(Leftovers.class);

  private final Path directory;
  private final DurableFiles files;

  Leftovers(Path directory, DurableFiles files) {
    this.directory = directory;
    this.files = files;
  }

  /**
   * Deletes temporary files and moves key files that {@code keyring} does not name aside.
   *
   * @throws SigningException when there is no keyring but more than one key file: a crash leaves at
   *     most one, so the keyring was lost and must be restored
   */
  void clean(Keyring keyring) throws IOException {
    List<Path> temporary = new ArrayList<>();
    List<Path> orphans = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path entry : entries.sorted().toList()) {
        if (DurableFiles.isTemporary(entry)) {
          temporary.add(entry);
        } else if (isOrphan(entry, keyring)) {
          orphans.add(entry);
        }
      }
    }
    if (keyring.generation() == 0 && orphans.size() > 1) {
      throw new SigningException(
          "The key store "
              + directory
              + " has "
              + orphans.size()
              + " key files but no "
              + FileKeyStore.KEYRING
              + "; restore it from a backup");
    }
    for (Path file : temporary) {
      log.warn("Deleting {} in key store {}, left by an interrupted write", file, directory);
      files.delete(file);
    }
    for (Path file : orphans) {
      moveAside(file);
    }
  }

  private static boolean isOrphan(Path entry, Keyring keyring) {
    Optional<KeyHint> hint = EncryptedKeyFile.hintOf(entry);
    return hint.isPresent() && keyring.find(hint.get()).isEmpty();
  }

  private void moveAside(Path file) throws IOException {
    Path aside = file.resolveSibling(file.getFileName() + FileKeyStore.ORPHAN_SUFFIX);
    log.warn(
        "Key {} in key store {} is not in the keyring: a change was interrupted before the"
            + " keyring named it. Moving its file to {}",
        EncryptedKeyFile.hintOf(file).orElseThrow(),
        directory,
        aside);
    files.moveAside(file, aside);
  }
}
