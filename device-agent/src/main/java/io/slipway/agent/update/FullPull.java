package io.slipway.agent.update;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.PausePoints;
import io.slipway.agent.client.Downloader;
import io.slipway.agent.store.OciReleaseStore;
import io.slipway.delta.DeltaException;
import io.slipway.delta.image.Descriptor;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.image.PlatformManifest;
import io.slipway.delta.layout.OciLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls one platform image whole from the registry into the store: the manifest (checked against
 * its digest), then each config and layer blob the layout lacks, downloaded with resume into {@code
 * scratch/downloads} and checked against its digest by the {@link Downloader}, then copied into the
 * layout by {@link OciLayout#writeImage}, which checks each digest again. Not thread-safe.
 */
final class FullPull {

  private static final Logger LOG = LoggerFactory.getLogger(FullPull.class);

  private final RegistryClient registry;
  private final Downloader downloader;
  private final OciReleaseStore store;

  FullPull(RegistryClient registry, Downloader downloader, OciReleaseStore store) {
    this.registry = registry;
    this.downloader = downloader;
    this.store = store;
  }

  /**
   * Pulls {@code manifest} of {@code repository} into the layout as {@link
   * OciReleaseStore#refName}.
   *
   * @param progress receives the bytes received so far and the bytes to receive in all
   * @throws AgentException {@code VERIFICATION_FAILED} when a manifest or blob differs from its
   *     digest or size (the blob's file is deleted); {@code DOWNLOAD_FAILED} or {@code
   *     SERVER_UNAVAILABLE} when a download does not finish (partial blobs stay for the next
   *     attempt)
   */
  void pull(String repository, Digest manifest, Progress progress) throws InterruptedException {
    RegistryClient.Fetched fetched = registry.manifest(repository, manifest);
    PlatformManifest parsed = parse(manifest, fetched.bytes());
    List<Descriptor> missing = missingBlobs(parsed);
    long total = missing.stream().mapToLong(Descriptor::size).sum();
    progress.report(0, total);

    long done = 0;
    for (Descriptor blob : missing) {
      long before = done;
      download(repository, blob, received -> progress.report(before + received, total));
      done += blob.size();
    }

    ImageContent content = new PulledContent(store, fetched);
    try {
      Image image = ImageReader.read(content, manifest);
      store.layout().writeImage(content, image, OciReleaseStore.refName(manifest));
    } catch (DeltaException e) {
      throw new AgentException(
          AgentFailure.VERIFICATION_FAILED,
          "Image "
              + repository
              + "@"
              + manifest
              + " failed its checks ("
              + e.failure()
              + "): "
              + e.getMessage(),
          e);
    }
    for (Descriptor blob : missing) {
      deleteQuietly(store.downloads().resolve(blob.digest().hex()));
    }
    LOG.info(
        "Pulled image {}@{} whole: {} blobs, {} bytes",
        repository,
        manifest,
        missing.size(),
        total);
  }

  private static PlatformManifest parse(Digest manifest, byte[] bytes) {
    try {
      return ImageReader.parseManifest(manifest, bytes);
    } catch (DeltaException e) {
      throw new AgentException(
          AgentFailure.PROTOCOL, "Manifest " + manifest + " does not parse: " + e.getMessage(), e);
    }
  }

  private List<Descriptor> missingBlobs(PlatformManifest manifest) {
    List<Descriptor> missing = new ArrayList<>();
    if (!store.layout().contains(manifest.config().digest())) {
      missing.add(manifest.config());
    }
    for (Descriptor layer : manifest.layers()) {
      if (!store.layout().contains(layer.digest()) && !missing.contains(layer)) {
        missing.add(layer);
      }
    }
    return missing;
  }

  private void download(String repository, Descriptor blob, LongConsumer progress)
      throws InterruptedException {
    Path file = store.downloads().resolve(blob.digest().hex());
    boolean[] paused = {false};
    downloader.fetch(
        registry.blob(repository, blob.digest()),
        registry.authorization(repository),
        file,
        blob.size(),
        blob.digest(),
        received -> {
          progress.accept(received);
          if (!paused[0] && received > 0) {
            paused[0] = true;
            PausePoints.reach(PausePoints.DOWNLOAD);
          }
        });
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn(
          "Deleting the downloaded blob {} failed; garbage collection retries: {}",
          file,
          e.toString());
    }
  }

  /** Receives the progress of one pull. */
  interface Progress {
    void report(long received, long total);
  }

  /** The manifest in memory, blobs from the layout or from finished downloads. */
  private record PulledContent(OciReleaseStore store, RegistryClient.Fetched manifest)
      implements ImageContent {

    @Override
    public InputStream open(Digest digest) throws IOException {
      if (digest.equals(manifest.digest())) {
        return new ByteArrayInputStream(manifest.bytes());
      }
      if (store.layout().contains(digest)) {
        return store.layout().open(digest);
      }
      Path downloaded = store.downloads().resolve(digest.hex());
      if (!Files.isRegularFile(downloaded)) {
        throw new NoSuchFileException(downloaded.toString());
      }
      return Files.newInputStream(downloaded);
    }
  }
}
