package io.slipway.api.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.delta.StoredDelta.State;
import io.slipway.delta.image.Digest;
import io.slipway.storage.filesystem.FilesystemBlobStore;
import io.slipway.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.unit.DataSize;

/**
 * Eviction and claims on a real migrated H2 database and a filesystem blob store: rows and payloads
 * go by age and by size, least recently used first, and a claim is taken once.
 */
class DeltaCacheTest {

  private static final long NOW = Instant.parse("2026-12-05T10:00:00Z").toEpochMilli();
  private static final ImageLocation LOCATION =
      new ImageLocation(1, "org/fleet", "org/fleet/web", "org/fleet/web");

  @TempDir Path blobs;
  @TempDir Path scratch;

  private DeltaRepository deltas;
  private DeltaPayloads payloads;
  private int pairs;

  @BeforeEach
  void createStore() {
    deltas = new DeltaRepository(JdbcClient.create(TestDatabase.h2().dataSource()));
    payloads = new DeltaPayloads(new FilesystemBlobStore(blobs));
  }

  @Test
  void unusedDeltaIsEvictedWithItsPayload() throws IOException {
    StoredDelta old = ready(100, NOW - Duration.ofDays(31).toMillis());
    StoredDelta recent = ready(100, NOW - Duration.ofDays(1).toMillis());

    DeltaCache.Eviction eviction = cache(DataSize.ofGigabytes(10)).evict();

    assertThat(eviction.byAge()).isEqualTo(1);
    assertThat(deltas.find(old.pair())).isEmpty();
    assertThat(payloads.stat(old.payloadDigest())).isEmpty();
    assertThat(deltas.find(recent.pair())).isPresent();
    assertThat(payloads.stat(recent.payloadDigest())).isPresent();
  }

  @Test
  void unusedFullAnswerIsEvicted() {
    DeltaPair pair = nextPair();
    deltas.claimNew(pair, LOCATION, "a", NOW - Duration.ofDays(40).toMillis());
    deltas.markWithout(pair, "a", State.FULL, "not smaller", 10, NOW);

    cache(DataSize.ofGigabytes(10)).evict();

    assertThat(deltas.find(pair)).isEmpty();
  }

  @Test
  void leastRecentlyUsedGoFirstBeyondTheSizeLimit() throws IOException {
    StoredDelta oldest = ready(400, NOW - 3000);
    StoredDelta middle = ready(400, NOW - 2000);
    StoredDelta newest = ready(400, NOW - 1000);

    DeltaCache.Eviction eviction = cache(DataSize.ofBytes(900)).evict();

    assertThat(eviction.bySize()).isEqualTo(1);
    assertThat(deltas.find(oldest.pair())).isEmpty();
    assertThat(payloads.stat(oldest.payloadDigest())).isEmpty();
    assertThat(deltas.find(middle.pair())).isPresent();
    assertThat(deltas.find(newest.pair())).isPresent();
    assertThat(deltas.readyBytes()).isEqualTo(800);
  }

  @Test
  void deltaBeingMadeIsNeverEvicted() {
    DeltaPair pair = nextPair();
    deltas.claimNew(pair, LOCATION, "a", NOW - Duration.ofDays(40).toMillis());

    cache(DataSize.ofBytes(0)).evict();

    assertThat(deltas.find(pair)).isPresent();
  }

  @Test
  void deltaUsedDuringThePassStays() throws IOException {
    StoredDelta old = ready(100, NOW - Duration.ofDays(31).toMillis());
    deltas.touch(old.pair(), NOW, NOW);

    assertThat(deltas.deleteUnchanged(old)).isFalse();
    assertThat(deltas.find(old.pair())).isPresent();
  }

  @Test
  void payloadWithoutRowIsDeletedOnceOld() throws IOException {
    Digest orphan = store("left by a stopped server");
    Path file = blobs.resolve(DeltaPayloads.key(orphan).value());
    Files.setLastModifiedTime(
        file, java.nio.file.attribute.FileTime.fromMillis(NOW - Duration.ofHours(2).toMillis()));
    Digest fresh = store("being recorded right now");
    Files.setLastModifiedTime(
        blobs.resolve(DeltaPayloads.key(fresh).value()),
        java.nio.file.attribute.FileTime.fromMillis(NOW));

    DeltaCache.Eviction eviction = cache(DataSize.ofGigabytes(10)).evict();

    assertThat(eviction.orphans()).isEqualTo(1);
    assertThat(payloads.stat(orphan)).isEmpty();
    assertThat(payloads.stat(fresh)).isPresent();
  }

  @Test
  void pairIsClaimedOnce() {
    DeltaPair pair = nextPair();

    boolean first = deltas.claimNew(pair, LOCATION, "a", NOW);
    boolean second = deltas.claimNew(pair, LOCATION, "b", NOW);

    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(deltas.find(pair).orElseThrow().claimedBy()).isEqualTo("a");
  }

  @Test
  void staleClaimIsTakenOverOnce() {
    DeltaPair pair = nextPair();
    deltas.claimNew(pair, LOCATION, "a", NOW - Duration.ofHours(1).toMillis());
    StoredDelta seen = deltas.find(pair).orElseThrow();

    boolean first = deltas.claimAgain(seen, LOCATION, "b", NOW);
    boolean second = deltas.claimAgain(seen, LOCATION, "c", NOW);

    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(deltas.markReady(pair, "a", Digest.of(new byte[] {1}), 1, 2, "{}", NOW)).isFalse();
    assertThat(deltas.find(pair).orElseThrow().claimedBy()).isEqualTo("b");
  }

  private DeltaCache cache(DataSize maxBytes) {
    DeltaProperties properties =
        new DeltaProperties(
            true,
            3,
            maxBytes,
            Duration.ofDays(30),
            1,
            Duration.ofSeconds(5),
            Duration.ofMinutes(30),
            Duration.ofMinutes(10));
    return new DeltaCache(
        deltas, payloads, properties, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
  }

  private StoredDelta ready(int size, long lastUsed) throws IOException {
    DeltaPair pair = nextPair();
    byte[] payload = new byte[size];
    new java.util.Random(pairs).nextBytes(payload);
    Digest digest = store(payload);
    deltas.claimNew(pair, LOCATION, "a", lastUsed);
    deltas.markReady(pair, "a", digest, size, size * 10L, "{}", lastUsed);
    return deltas.find(pair).orElseThrow();
  }

  private Digest store(String content) throws IOException {
    return store(content.getBytes(StandardCharsets.UTF_8));
  }

  private Digest store(byte[] content) throws IOException {
    Path file = Files.createTempFile(scratch, "payload", ".bin");
    Files.write(file, content);
    Digest digest = Digest.of(content);
    payloads.store(file, digest);
    return digest;
  }

  private DeltaPair nextPair() {
    pairs++;
    return new DeltaPair(
        Digest.of(("source " + pairs).getBytes(StandardCharsets.UTF_8)),
        Digest.of(("target " + pairs).getBytes(StandardCharsets.UTF_8)));
  }
}
