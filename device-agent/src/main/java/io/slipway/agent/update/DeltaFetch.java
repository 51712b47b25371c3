package io.slipway.agent.update;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.PausePoints;
import io.slipway.agent.client.DeltaOffer;
import io.slipway.agent.client.DeviceApi;
import io.slipway.agent.store.OciReleaseStore;
import io.slipway.delta.DeltaException;
import io.slipway.delta.apply.AppliedImage;
import io.slipway.delta.apply.DeltaApplier;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.manifest.DeltaManifest;
import io.slipway.delta.manifest.DeltaManifests;
import io.slipway.signing.SigningException;
import io.slipway.signing.VerificationException;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.trust.TrustPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one service image forward by a delta. It requests the delta between the platform manifest
 * the device has and the one it needs, and waits a bounded time while the server makes it. Before
 * downloading anything it verifies the signed delta manifest and checks its source and target. It
 * then downloads the payload with resume, applies it as a stream into staging (the applier verifies
 * every blob) and adds the result to the layout. Not thread-safe.
 */
final class DeltaFetch {

  private static final Logger LOG = LoggerFactory.getLogger(DeltaFetch.class);

  private final DeviceApi api;
  private final OciReleaseStore store;
  private final ImageContent base;
  private final Clock clock;
  private final Duration maxWait;

  /**
   * @param base where the applier reads the source image's blobs: the store's layout, or a stand-in
   *     in tests
   * @param maxWait how long to wait in all for a delta the server is making, before pulling the
   *     image whole
   */
  DeltaFetch(
      DeviceApi api, OciReleaseStore store, ImageContent base, Clock clock, Duration maxWait) {
    this.api = api;
    this.store = store;
    this.base = base;
    this.clock = clock;
    this.maxWait = maxWait;
  }

  /** Why no delta was used for one image: the reason a state report shows. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean unexpected;

    Unavailable(String reason, Throwable cause) {
      this(reason, cause, false);
    }

    private Unavailable(String reason, Throwable cause, boolean unexpected) {
      super(reason, cause);
      this.unexpected = unexpected;
    }

    /** Wraps a failure that no step of the delta path expects, such as a missing native library. */
    static Unavailable unexpected(Throwable cause) {
      return new Unavailable("the delta step failed unexpectedly: " + cause, cause, true);
    }

    /**
     * Returns true when the cause is a bug or a broken runtime, whose stack trace is worth a log.
     */
    boolean unexpected() {
      return unexpected;
    }
  }

  /**
   * Brings {@code target} into the layout from {@code source}, which the layout holds.
   *
   * @param progress receives the payload bytes received so far and the payload's size
   * @throws Unavailable when the server offers no delta, or the delta fails a check or does not
   *     apply, or any step throws an unchecked exception or an {@link Error} other than a {@link
   *     VirtualMachineError}. The message states why, and the caller pulls the image whole
   * @throws VirtualMachineError such as {@link OutOfMemoryError}, which a full pull would not cure
   */
  void fetch(Digest source, Digest target, TrustPolicy policy, FullPull.Progress progress)
      throws Unavailable, InterruptedException {
    try {
      fetchOrFail(source, target, policy, progress);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      // A native library that fails to load (zstd-jni's UnsatisfiedLinkError), or a bug in the
      // delta code, breaks only the delta path, so the caller pulls the image whole instead.
      throw Unavailable.unexpected(e);
    }
  }

  private void fetchOrFail(
      Digest source, Digest target, TrustPolicy policy, FullPull.Progress progress)
      throws Unavailable, InterruptedException {
    DeltaOffer.Ready ready = ready(source, target);
    DeltaManifest manifest = verified(ready, source, target, policy);
    Path payload = store.downloads().resolve(ready.digest().hex());
    try {
      // A download that breaks off keeps its partial file, so the next attempt resumes it.
      download(ready, payload, progress);
    } catch (AgentException e) {
      throw new Unavailable(
          "downloading the delta payload failed (" + e.failure() + "): " + e.getMessage(), e);
    }
    Path work = store.scratch().resolve("delta-" + target.hex());
    // A kill during an earlier apply may have left staged files behind.
    deleteTree(work);
    try {
      apply(payload, work, manifest, target);
    } catch (AgentException | DeltaException e) {
      throw new Unavailable("applying the delta failed: " + e.getMessage(), e);
    } finally {
      deleteQuietly(payload);
      deleteTree(work);
    }
  }

  private DeltaOffer.Ready ready(Digest source, Digest target)
      throws Unavailable, InterruptedException {
    Instant deadline = clock.instant().plus(maxWait);
    while (true) {
      DeltaOffer offer;
      try {
        offer = api.delta(source, target);
      } catch (AgentException e) {
        throw new Unavailable("asking for a delta failed: " + e.getMessage(), e);
      }
      if (offer instanceof DeltaOffer.Ready ready) {
        return ready;
      }
      if (offer instanceof DeltaOffer.Full full) {
        throw new Unavailable("the server offers no delta: " + full.reason(), null);
      }
      Duration retryAfter = ((DeltaOffer.Generating) offer).retryAfter();
      if (clock.instant().plus(retryAfter).isAfter(deadline)) {
        throw new Unavailable(
            "the server was still making the delta after " + maxWait.toSeconds() + " s", null);
      }
      LOG.info("Delta from {} to {} is being made; asking again in {}", source, target, retryAfter);
      Thread.sleep(retryAfter.toMillis());
    }
  }

  private DeltaManifest verified(
      DeltaOffer.Ready ready, Digest source, Digest target, TrustPolicy policy) throws Unavailable {
    DeltaManifest manifest;
    try {
      manifest =
          DeltaManifests.verify(
              Bundle.parse(ready.bundle()), ready.digest(), policy, clock.instant());
    } catch (VerificationException e) {
      throw new Unavailable(
          "the delta's signature was rejected (" + e.failure() + "): " + e.getMessage(), e);
    } catch (SigningException e) {
      throw new Unavailable("the delta's bundle is malformed: " + e.getMessage(), e);
    }
    if (!manifest.source().equals(source) || !manifest.target().equals(target)) {
      throw new Unavailable(
          "the signed delta leads from "
              + manifest.source()
              + " to "
              + manifest.target()
              + ", not from "
              + source
              + " to "
              + target,
          null);
    }
    if (manifest.payloadSize() != ready.size()) {
      throw new Unavailable(
          "the server offers a payload of "
              + ready.size()
              + " bytes, but the signed delta states "
              + manifest.payloadSize(),
          null);
    }
    return manifest;
  }

  private void download(DeltaOffer.Ready ready, Path payload, FullPull.Progress progress)
      throws InterruptedException {
    boolean[] paused = {false};
    progress.report(0, ready.size());
    api.payloads()
        .fetch(
            ready.payload(),
            null, // the API's downloader sends the device key
            payload,
            ready.size(),
            ready.digest(),
            received -> {
              progress.report(received, ready.size());
              if (!paused[0] && received > 0) {
                paused[0] = true;
                PausePoints.reach(PausePoints.DOWNLOAD);
              }
            });
  }

  private void apply(Path payload, Path work, DeltaManifest manifest, Digest target) {
    AppliedImage applied;
    try (InputStream in = Files.newInputStream(payload)) {
      boolean[] paused = {false};
      DeltaApplier applier =
          new DeltaApplier(
              work.resolve("expanded"),
              layer -> {
                if (!paused[0]) {
                  paused[0] = true;
                  PausePoints.reach(PausePoints.APPLY);
                }
              });
      applied = applier.apply(in, base, manifest, work.resolve("staging"));
    } catch (IOException e) {
      throw new AgentException(
          AgentFailure.DELTA_FAILED, "Reading the payload " + payload + " failed: " + e, e);
    }
    Digest named = store.layout().addImage(applied, base, OciReleaseStore.refName(target));
    LOG.info(
        "Applied delta {} from {} to {}: {} payload bytes, layout names {}",
        manifest.payloadDigest(),
        manifest.source(),
        target,
        applied.payloadBytes(),
        named);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(DeltaFetch::deleteQuietly);
    } catch (IOException e) {
      LOG.warn("Deleting {} failed; garbage collection retries: {}", dir, e.toString());
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Deleting {} failed; garbage collection retries: {}", file, e.toString());
    }
  }
}
