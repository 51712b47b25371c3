package io.slipway.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BlobStore} must show. A subclass supplies a fresh, empty store for
 * each test through {@link #store()}.
 */
public abstract class BlobStoreContract {

  private static final long MIB = 1024 * 1024;
  private static final long NO_LIMIT = Long.MAX_VALUE;

  /** Returns the store under test; it is empty at the start of each test. */
  protected abstract BlobStore store();

  private WriteResult write(String key, byte[] content) {
    return store().write(new StorageKey(key), new ByteArrayInputStream(content), NO_LIMIT);
  }

  private byte[] read(String key) {
    return TestContent.readAll(store().read(new StorageKey(key), 0, -1));
  }

  @Test
  void writeReturnsSizeAndDigest() {
    byte[] content = TestContent.bytes(1000, 1);

    WriteResult result = write("blobs/a", content);

    assertThat(result.size()).isEqualTo(1000);
    assertThat(result.sha256Hex()).isEqualTo(TestContent.sha256(content));
  }

  @Test
  void writeThenReadRoundTrips() {
    byte[] content = TestContent.bytes(1000, 2);

    write("blobs/a", content);

    assertThat(read("blobs/a")).isEqualTo(content);
  }

  @Test
  void statReportsSizeAndRecentTime() {
    write("blobs/a", TestContent.bytes(321, 3));

    ObjectInfo info = store().stat(new StorageKey("blobs/a")).orElseThrow();

    assertThat(info.size()).isEqualTo(321);
    assertThat(info.modified()).isAfter(Instant.now().minusSeconds(300));
  }

  @Test
  void emptyObjectRoundTrips() {
    WriteResult result = write("blobs/empty", new byte[0]);

    assertThat(result.size()).isZero();
    assertThat(result.sha256Hex()).isEqualTo(TestContent.sha256(new byte[0]));
    assertThat(read("blobs/empty")).isEmpty();
  }

  @Test
  void rangedReadReturnsRequestedBytes() {
    byte[] content = TestContent.bytes(100, 4);
    write("blobs/a", content);

    byte[] range = TestContent.readAll(store().read(new StorageKey("blobs/a"), 10, 20));

    assertThat(range).isEqualTo(Arrays.copyOfRange(content, 10, 30));
  }

  @Test
  void readFromOffsetRunsToEnd() {
    byte[] content = TestContent.bytes(100, 5);
    write("blobs/a", content);

    byte[] tail = TestContent.readAll(store().read(new StorageKey("blobs/a"), 90, -1));

    assertThat(tail).isEqualTo(Arrays.copyOfRange(content, 90, 100));
  }

  @Test
  void rangePastEndIsCutAtEnd() {
    byte[] content = TestContent.bytes(100, 6);
    write("blobs/a", content);

    byte[] tail = TestContent.readAll(store().read(new StorageKey("blobs/a"), 95, 50));

    assertThat(tail).isEqualTo(Arrays.copyOfRange(content, 95, 100));
  }

  @Test
  void readAtOrPastEndReturnsNoBytes() {
    write("blobs/a", TestContent.bytes(100, 7));
    StorageKey key = new StorageKey("blobs/a");

    assertThat(TestContent.readAll(store().read(key, 100, -1))).isEmpty();
    assertThat(TestContent.readAll(store().read(key, 150, 10))).isEmpty();
  }

  @Test
  void zeroLengthReadReturnsNoBytes() {
    write("blobs/a", TestContent.bytes(100, 8));

    assertThat(TestContent.readAll(store().read(new StorageKey("blobs/a"), 5, 0))).isEmpty();
  }

  @Test
  void negativeOffsetIsRejected() {
    write("blobs/a", TestContent.bytes(10, 9));

    assertThatThrownBy(() -> store().read(new StorageKey("blobs/a"), -1, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void overwriteReplacesObject() {
    write("blobs/a", TestContent.bytes(5000, 10));
    byte[] replacement = TestContent.bytes(300, 11);

    write("blobs/a", replacement);

    assertThat(read("blobs/a")).isEqualTo(replacement);
  }

  @Test
  void readOfMissingKeyThrowsNotFound() {
    StorageKey key = new StorageKey("blobs/missing");

    assertThatThrownBy(() -> store().read(key, 0, -1))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining("blobs/missing");
  }

  @Test
  void emptyRangeOfMissingKeyFails() {
    assertThatThrownBy(() -> store().read(new StorageKey("blobs/missing"), 0, 0))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void statOfMissingKeyIsEmpty() {
    assertThat(store().stat(new StorageKey("blobs/missing"))).isEmpty();
  }

  @Test
  void deleteOfMissingKeyReturnsFalse() {
    assertThat(store().delete(new StorageKey("blobs/missing"))).isFalse();
  }

  @Test
  void moveOfMissingKeyThrowsNotFound() {
    StorageKey source = new StorageKey("uploads/missing");

    assertThatThrownBy(() -> store().move(source, new StorageKey("blobs/b")))
        .isInstanceOfSatisfying(
            ObjectNotFoundException.class, e -> assertThat(e.key()).isEqualTo(source));
  }

  @Test
  void writeAtLimitIsAccepted() {
    byte[] content = TestContent.bytes(1000, 12);

    WriteResult result =
        store().write(new StorageKey("blobs/a"), new ByteArrayInputStream(content), 1000);

    assertThat(result.size()).isEqualTo(1000);
  }

  @Test
  void writeOverLimitStoresNothing() {
    StorageKey key = new StorageKey("blobs/a");

    assertThatThrownBy(() -> store().write(key, TestContent.stream(1001, 13), 1000))
        .isInstanceOfSatisfying(
            ObjectTooLargeException.class, e -> assertThat(e.maxBytes()).isEqualTo(1000));
    assertThat(store().stat(key)).isEmpty();
  }

  @Test
  void writeOverLimitKeepsPreviousObject() {
    byte[] previous = TestContent.bytes(500, 14);
    write("blobs/a", previous);

    assertThatThrownBy(
            () -> store().write(new StorageKey("blobs/a"), TestContent.stream(2000, 15), 1000))
        .isInstanceOf(ObjectTooLargeException.class);
    assertThat(read("blobs/a")).isEqualTo(previous);
  }

  /** Large enough that an S3 store has uploaded parts of a multipart upload before failing. */
  @Test
  void largeWriteOverLimitStoresNothing() {
    StorageKey key = new StorageKey("blobs/large");

    assertThatThrownBy(() -> store().write(key, TestContent.stream(40 * MIB, 16), 36 * MIB))
        .isInstanceOf(ObjectTooLargeException.class);
    assertThat(store().stat(key)).isEmpty();
  }

  @Test
  void failingContentStoresNothing() {
    StorageKey key = new StorageKey("blobs/a");

    assertThatThrownBy(() -> store().write(key, TestContent.failingAfter(1000, 17), NO_LIMIT))
        .isInstanceOf(StorageException.class)
        .isNotInstanceOf(ObjectTooLargeException.class)
        .hasMessageContaining("blobs/a")
        .hasRootCauseInstanceOf(IOException.class);
    assertThat(store().stat(key)).isEmpty();
  }

  @Test
  void largeFailingContentKeepsPreviousObject() {
    byte[] previous = TestContent.bytes(700, 18);
    write("blobs/a", previous);

    assertThatThrownBy(
            () ->
                store()
                    .write(
                        new StorageKey("blobs/a"),
                        TestContent.failingAfter(40 * MIB, 19),
                        NO_LIMIT))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("blobs/a");
    assertThat(read("blobs/a")).isEqualTo(previous);
  }

  @Test
  void moveTransfersObject() {
    byte[] content = TestContent.bytes(2048, 20);
    write("uploads/u1", content);

    store().move(new StorageKey("uploads/u1"), new StorageKey("blobs/sha256/ab/abcd"));

    assertThat(read("blobs/sha256/ab/abcd")).isEqualTo(content);
    assertThat(store().stat(new StorageKey("uploads/u1"))).isEmpty();
  }

  @Test
  void moveReplacesExistingTarget() {
    byte[] content = TestContent.bytes(64, 21);
    write("uploads/u1", content);
    write("blobs/b", TestContent.bytes(999, 22));

    store().move(new StorageKey("uploads/u1"), new StorageKey("blobs/b"));

    assertThat(read("blobs/b")).isEqualTo(content);
  }

  @Test
  void moveOntoItselfKeepsObject() {
    byte[] content = TestContent.bytes(64, 23);
    write("blobs/a", content);

    store().move(new StorageKey("blobs/a"), new StorageKey("blobs/a"));

    assertThat(read("blobs/a")).isEqualTo(content);
  }

  @Test
  void deleteRemovesObject() {
    write("blobs/a", TestContent.bytes(10, 24));

    boolean deleted = store().delete(new StorageKey("blobs/a"));

    assertThat(deleted).isTrue();
    assertThat(store().stat(new StorageKey("blobs/a"))).isEmpty();
  }

  @Test
  void listReturnsKeysBelowPrefix() {
    for (String key : List.of("a/b/1", "a/b/c/2", "a/x", "ab/3", "a/bc")) {
      write(key, TestContent.bytes(3, 25));
    }

    List<StorageKey> listed;
    try (Stream<StorageKey> keys = store().list(new StorageKey("a/b"))) {
      listed = keys.toList();
    }

    assertThat(listed)
        .containsExactlyInAnyOrder(new StorageKey("a/b/1"), new StorageKey("a/b/c/2"));
  }

  @Test
  void listOfUnknownPrefixIsEmpty() {
    write("a/b", TestContent.bytes(3, 26));

    try (Stream<StorageKey> keys = store().list(new StorageKey("nothing/here"))) {
      assertThat(keys).isEmpty();
    }
  }

  @Test
  void concurrentWritesLeaveOneCompleteObject() throws Exception {
    int writers = 4;
    StorageKey key = new StorageKey("blobs/contended");
    Map<String, Integer> sizesByDigest = new HashMap<>();
    List<byte[]> contents = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      byte[] content = TestContent.bytes((int) (3 * MIB) + i * 1000, 100 + i);
      contents.add(content);
      sizesByDigest.put(TestContent.sha256(content), content.length);
    }

    ExecutorService executor = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<WriteResult>> results = new ArrayList<>();
    try {
      for (byte[] content : contents) {
        results.add(
            executor.submit(
                () -> {
                  start.await();
                  return store().write(key, new ByteArrayInputStream(content), NO_LIMIT);
                }));
      }
      start.countDown();
      for (Future<WriteResult> result : results) {
        result.get(120, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdownNow();
    }

    byte[] stored = read("blobs/contended");
    assertThat(sizesByDigest).containsKey(TestContent.sha256(stored));
    assertThat(stored).hasSize(sizesByDigest.get(TestContent.sha256(stored)));
  }

  @Test
  void largeObjectRoundTrips() {
    long size = 64 * MIB + 3;
    StorageKey key = new StorageKey("blobs/large");
    String expected = TestContent.sha256(TestContent.stream(size, 27));

    WriteResult result = store().write(key, TestContent.stream(size, 27), size);

    assertThat(result.size()).isEqualTo(size);
    assertThat(result.sha256Hex()).isEqualTo(expected);
    assertThat(store().stat(key).orElseThrow().size()).isEqualTo(size);
    assertThat(TestContent.sha256(store().read(key, 0, -1))).isEqualTo(expected);
  }

  @Test
  void largeObjectRangedReadNearEnd() {
    long size = 64 * MIB + 3;
    StorageKey key = new StorageKey("blobs/large");
    store().write(key, TestContent.stream(size, 28), NO_LIMIT);

    byte[] tail = TestContent.readAll(store().read(key, size - 10, 100));

    byte[] expected = new byte[10];
    byte[] whole = TestContent.readAll(TestContent.stream(size, 28));
    System.arraycopy(whole, (int) size - 10, expected, 0, 10);
    assertThat(tail).isEqualTo(expected);
  }
}
