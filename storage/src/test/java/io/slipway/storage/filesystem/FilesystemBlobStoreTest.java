package io.slipway.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.storage.BlobStore;
import io.slipway.storage.BlobStoreContract;
import io.slipway.storage.ObjectNotFoundException;
import io.slipway.storage.ObjectTooLargeException;
import io.slipway.storage.StorageException;
import io.slipway.storage.StorageKey;
import io.slipway.storage.TestContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemBlobStoreTest extends BlobStoreContract {

  @TempDir Path root;

  private FilesystemBlobStore store;

  @BeforeEach
  void openStore() {
    store = new FilesystemBlobStore(root);
  }

  @Override
  protected BlobStore store() {
    return store;
  }

  private static void writeBytes(BlobStore store, String key, byte[] content) {
    store.write(new StorageKey(key), new ByteArrayInputStream(content), Long.MAX_VALUE);
  }

  private Stream<Path> tempFiles() throws IOException {
    return Files.list(root.resolve(".tmp"));
  }

  @Test
  void objectIsFileAtKeyPath() throws IOException {
    byte[] content = TestContent.bytes(100, 1);

    writeBytes(store, "blobs/sha256/ab/abcd", content);

    assertThat(Files.readAllBytes(root.resolve("blobs/sha256/ab/abcd"))).isEqualTo(content);
  }

  @Test
  void localFileReturnsObjectPath() {
    writeBytes(store, "blobs/a", TestContent.bytes(10, 2));

    assertThat(store.localFile(new StorageKey("blobs/a")))
        .contains(root.toAbsolutePath().normalize().resolve("blobs/a"));
  }

  @Test
  void localFileOfMissingKeyIsEmpty() {
    assertThat(store.localFile(new StorageKey("blobs/missing"))).isEmpty();
  }

  @Test
  void failedWritesLeaveNoTempFiles() throws IOException {
    StorageKey key = new StorageKey("blobs/a");

    assertThatThrownBy(() -> store.write(key, TestContent.failingAfter(300_000, 3), 1 << 30))
        .isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> store.write(key, TestContent.stream(300_000, 4), 1000))
        .isInstanceOf(ObjectTooLargeException.class);

    try (Stream<Path> files = tempFiles()) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void successfulWriteLeavesNoTempFile() throws IOException {
    writeBytes(store, "blobs/a", TestContent.bytes(10, 5));

    try (Stream<Path> files = tempFiles()) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void staleTempFilesAreDeletedAtOpen() throws IOException {
    Path stale = Files.writeString(root.resolve(".tmp/write-1.part"), "left by a crash");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path active = Files.writeString(root.resolve(".tmp/write-2.part"), "in progress");

    new FilesystemBlobStore(root);

    assertThat(stale).doesNotExist();
    assertThat(active).exists();
  }

  @Test
  void keyInTempDirectoryIsRejected() {
    assertThatThrownBy(() -> store.stat(new StorageKey(".tmp/write-1.part")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(".tmp/write-1.part");
  }

  @Test
  void writeOverPrefixDirectoryFailsAndKeepsObjects() {
    byte[] inner = TestContent.bytes(10, 6);
    writeBytes(store, "a/b", inner);

    assertThatThrownBy(() -> writeBytes(store, "a", TestContent.bytes(10, 7)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("'a'");
    assertThat(TestContent.readAll(store.read(new StorageKey("a/b"), 0, -1))).isEqualTo(inner);
  }

  @Test
  void readOfPrefixDirectoryThrowsNotFound() {
    writeBytes(store, "a/b", TestContent.bytes(10, 8));

    assertThat(store.stat(new StorageKey("a"))).isEmpty();
    assertThat(store.delete(new StorageKey("a"))).isFalse();
    assertThatThrownBy(() -> store.read(new StorageKey("a"), 0, -1))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void listSkipsFilesWithInvalidNames() throws IOException {
    writeBytes(store, "a/valid", TestContent.bytes(10, 9));
    Files.writeString(root.resolve("a/not valid"), "copied in by hand");

    try (Stream<StorageKey> keys = store.list(new StorageKey("a"))) {
      assertThat(keys).containsExactly(new StorageKey("a/valid"));
    }
  }

  @Test
  void rootIsNormalized() {
    FilesystemBlobStore normalized = new FilesystemBlobStore(root.resolve("sub/../store"));

    assertThat(normalized.root()).isEqualTo(root.toAbsolutePath().normalize().resolve("store"));
  }

  @Test
  void rootThatIsAFileIsRejected() throws IOException {
    Path file = Files.writeString(root.resolve("file"), "not a directory");

    assertThatThrownBy(() -> new FilesystemBlobStore(file))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(file.toString());
  }
}
