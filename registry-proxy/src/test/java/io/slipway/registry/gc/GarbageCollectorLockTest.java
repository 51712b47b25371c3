package io.slipway.registry.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.registry.blob.BlobLayout;
import io.slipway.registry.blob.ReferenceLock;
import io.slipway.registry.metadata.ManifestRecord;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.RepositoryName;
import io.slipway.registry.upload.UploadService;
import io.slipway.storage.BlobStore;
import io.slipway.storage.filesystem.FilesystemBlobStore;
import io.slipway.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Tests, without timing luck, the interleaving that the grace period cannot cover: a manifest is
 * recorded after the collector took its mark but before it deletes the blob the manifest names.
 */
class GarbageCollectorLockTest {

  private static final RepositoryName REPOSITORY = new RepositoryName("fleet/app");

  @Test
  void blobNamedDuringSweepWaitSurvives() throws Exception {
    BlobStore store = new FilesystemBlobStore(Files.createTempDirectory("gc-lock-test"));
    RegistryMetadata metadata = new RegistryMetadata(TestDatabase.h2().dataSource(), clock());
    ReferenceLock lock = new ReferenceLock();
    GarbageCollector collector =
        new GarbageCollector(
            store, metadata, lock, new UploadService(store, metadata, lock, 1024), clock());
    Digest layer = storeLinkedBlob(store, metadata, "layer pushed just before its manifest");

    AtomicReference<Thread> sweeper = new AtomicReference<>();
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread created = new Thread(task, "gc-lock-test-sweeper");
              sweeper.set(created);
              return created;
            });
    try {
      Future<GcReport> run =
          lock.whileReferencing(
              () -> {
                Future<GcReport> started =
                    thread.submit(
                        () -> collector.run(GcOptions.defaults().withGracePeriod(Duration.ZERO)));
                awaitWaitingForSweepLock(sweeper);
                recordManifestNaming(metadata, layer);
                return started;
              });

      GcReport report = run.get(30, TimeUnit.SECONDS);

      assertThat(report.blobsDeleted()).isEmpty();
      assertThat(store.stat(BlobLayout.blob(layer))).isPresent();
    } finally {
      thread.shutdownNow();
    }
  }

  private static Clock clock() {
    return Clock.systemUTC();
  }

  private static Digest storeLinkedBlob(BlobStore store, RegistryMetadata metadata, String text) {
    byte[] content = text.getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256Of(content);
    store.write(BlobLayout.blob(digest), new ByteArrayInputStream(content), content.length);
    metadata.linkBlob(REPOSITORY, digest, content.length);
    return digest;
  }

  private static void recordManifestNaming(RegistryMetadata metadata, Digest layer) {
    Digest manifest = Digest.sha256Of("manifest".getBytes(StandardCharsets.UTF_8));
    metadata.putManifest(
        REPOSITORY,
        new ManifestRecord(
            manifest, "application/vnd.oci.image.manifest.v1+json", 8, null, null, null),
        Set.of(layer),
        "v1");
  }

  /** Waits until the sweeper thread is parked on the exclusive side of the reference lock. */
  private static void awaitWaitingForSweepLock(AtomicReference<Thread> sweeper) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Thread thread = sweeper.get();
      if (thread != null
          && thread.getState() == Thread.State.WAITING
          && Arrays.stream(thread.getStackTrace())
              .anyMatch(frame -> frame.getMethodName().equals("whileSweeping"))) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("The collector never waited for the sweep lock");
  }
}
