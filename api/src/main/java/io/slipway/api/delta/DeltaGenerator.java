package io.slipway.api.delta;

import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.delta.StoredDelta.State;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.encode.DeltaMaker;
import io.slipway.delta.encode.DeltaSummary;
import io.slipway.delta.image.Digest;
import io.slipway.delta.manifest.DeltaManifest;
import io.slipway.delta.manifest.DeltaManifests;
import io.slipway.signing.keystore.SigningKeyStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Makes the delta of one claimed pair: reads both images through this server's registry, runs the
 * {@link DeltaMaker} into a scratch file while hashing it, stores the payload in the blob store,
 * signs its delta manifest with the active key and records the result. A delta that is not smaller
 * than a full pull, or whose base is no longer stored, is recorded as {@code FULL}; any other
 * failure as {@code FAILED}. Safe for concurrent use; each call uses its own scratch directory.
 */
@Component
class DeltaGenerator {

  private static final Logger log = LoggerFactory.getLogger(DeltaGenerator.class);

  /** How long the builder secret of one generation lives. */
  private static final Duration SECRET_LIFETIME = Duration.ofHours(1);

  /** The limit of each registry request, from sending to the end of the headers. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final DeltaRepository deltas;
  private final DeltaPayloads payloads;
  private final DeltaMaker maker;
  private final ServerRegistryAccess access;
  private final SigningKeyStore keys;
  private final DeltaScratch scratch;
  private final Clock clock;
  private final AtomicLong started = new AtomicLong();

  DeltaGenerator(
      DeltaRepository deltas,
      DeltaPayloads payloads,
      DeltaMaker maker,
      ServerRegistryAccess access,
      SigningKeyStore keys,
      DeltaScratch scratch,
      Clock clock) {
    this.deltas = deltas;
    this.payloads = payloads;
    this.maker = maker;
    this.access = access;
    this.keys = keys;
    this.scratch = scratch;
    this.clock = clock;
  }

  /**
   * Makes the delta of {@code pair}, which {@code server} has claimed, and records the outcome.
   * Every exception is caught and ends as a {@code FULL} or {@code FAILED} row.
   */
  void generate(DeltaPair pair, ImageLocation location, String server) {
    long startedAt = clock.millis();
    started.incrementAndGet();
    log.info(
        "Making delta {} of {} in fleet {}",
        pair,
        location.targetRepository(),
        location.fleetRepository());
    Path work = null;
    try {
      work = scratch.newDirectory();
      generate(pair, location, server, work, startedAt);
    } catch (DeltaException e) {
      recordWithout(pair, server, e);
    } catch (IOException | RuntimeException e) {
      log.error("Making delta {} of {} failed", pair, location.targetRepository(), e);
      record(pair, server, State.FAILED, "Making the delta failed: " + e.getMessage(), 0);
    } finally {
      scratch.delete(work);
    }
  }

  /** Returns how many times this server started making a delta since it started. */
  long generations() {
    return started.get();
  }

  private void generate(
      DeltaPair pair, ImageLocation location, String server, Path work, long startedAt)
      throws IOException {
    RegistryClient client =
        access.client(location.fleetRepository(), SECRET_LIFETIME, REQUEST_TIMEOUT);
    RegistryImageContent source =
        new RegistryImageContent(client, location.sourceRepository(), pair.source());
    RegistryImageContent target =
        new RegistryImageContent(client, location.targetRepository(), pair.target());
    Path payload = work.resolve("payload");
    Path makerScratch = Files.createDirectory(work.resolve("scratch"));

    MessageDigest sha256 = Digest.newSha256();
    DeltaSummary summary;
    try (OutputStream out =
        new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(payload)), sha256)) {
      summary = maker.make(source, pair.source(), target, pair.target(), out, makerScratch);
    }
    Digest payloadDigest = Digest.fromHash(sha256.digest());
    long payloadSize = Files.size(payload);

    if (payloadSize >= summary.targetSize()) {
      record(
          pair,
          server,
          State.FULL,
          "The delta ("
              + payloadSize
              + " bytes) is not smaller than a full pull of the target ("
              + summary.targetSize()
              + " bytes)",
          summary.targetSize());
      return;
    }
    payloads.store(payload, payloadDigest);
    String bundle = sign(pair, payloadSize, payloadDigest);
    boolean recorded =
        deltas.markReady(
            pair, server, payloadDigest, payloadSize, summary.targetSize(), bundle, clock.millis());
    if (!recorded) {
      log.warn(
          "Delta {} was claimed by another server while this one made it; its result stays", pair);
      return;
    }
    log.info(
        "Made delta {}: payload {} of {} bytes against a full pull of {} bytes, {} layers reused,"
            + " {} encoded, {} kept uncompressed, in {} ms",
        pair,
        payloadDigest,
        payloadSize,
        summary.targetSize(),
        summary.reusedLayers(),
        summary.encodedLayers(),
        summary.diffIdOnlyLayers(),
        clock.millis() - startedAt);
  }

  private String sign(DeltaPair pair, long payloadSize, Digest payloadDigest) {
    // Signed documents state whole seconds.
    Instant signedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    DeltaManifest manifest =
        DeltaManifest.current(pair.source(), pair.target(), payloadSize, payloadDigest);
    byte[] bundle = DeltaManifests.sign(keys.activeSigner(), manifest, signedAt).toJson();
    return new String(bundle, StandardCharsets.UTF_8);
  }

  private void recordWithout(DeltaPair pair, String server, DeltaException e) {
    Optional<NoSuchFileException> missing = missingBlob(e);
    if (missing.isPresent()) {
      log.info("Delta {} has no usable base: blob {} is gone", pair, missing.get().getFile());
      record(
          pair,
          server,
          State.FULL,
          "Blob " + missing.get().getFile() + " is no longer stored, so there is no usable base",
          0);
      return;
    }
    if (e.failure() == DeltaFailure.WRONG_SOURCE) {
      log.info("Delta {} has no usable base: {}", pair, e.getMessage());
      record(
          pair, server, State.FULL, "The base image can no longer be read: " + e.getMessage(), 0);
      return;
    }
    log.error("Making delta {} failed ({})", pair, e.failure(), e);
    record(
        pair,
        server,
        State.FAILED,
        "Making the delta failed (" + e.failure() + "): " + e.getMessage(),
        0);
  }

  /**
   * Returns the missing blob that {@link RegistryImageContent} reported under {@code e}, if any.
   */
  private static Optional<NoSuchFileException> missingBlob(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof NoSuchFileException missing) {
        return Optional.of(missing);
      }
    }
    return Optional.empty();
  }

  private void record(DeltaPair pair, String server, State state, String reason, long targetSize) {
    if (!deltas.markWithout(pair, server, state, reason, targetSize, clock.millis())) {
      log.warn("Delta {} was claimed by another server while this one made it", pair);
    }
  }
}
