package io.slipway.agent.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.RootFS;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.LoadResponseItem;
import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.store.InstalledService;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.image.Layer;
import io.slipway.delta.layout.OciLayout;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads services' images from the store's OCI layout into the engine, each as a {@code docker load}
 * archive streamed through a pipe from a writer thread, and finds loaded images by their tag.
 * Thread-safe.
 */
final class ImageLoader {

  /** The pipe's buffer: large enough to keep the engine busy, small enough for a 64 MiB heap. */
  private static final int PIPE_BYTES = 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ImageLoader.class);

  private final DockerClient client;
  private final EngineNames names;

  ImageLoader(DockerClient client, EngineNames names) {
    this.client = client;
    this.names = names;
  }

  /**
   * Loads the image of {@code service} unless the engine already has it under its tag.
   *
   * @throws AgentException {@code ENGINE_FAILED} naming the service and image when the layout lacks
   *     it, the engine rejects the archive or the loaded image has another id
   */
  void load(InstalledService service, OciLayout layout, long releaseId) {
    String tag = names.imageTag(service.name(), service.manifest());
    Image image = read(service, layout);
    Digest imageId = image.config().digest();
    if (imageId.value().equals(loadedId(tag).orElse(null))) {
      LOG.debug("Image {} of service {} is loaded already as {}", imageId, service.name(), tag);
      return;
    }

    LOG.info(
        "Loading image {} (manifest {}) of service {} in release {} into the engine as {}",
        imageId,
        service.manifest(),
        service.name(),
        releaseId,
        tag);
    int present = presentLayers(image);
    LOG.debug(
        "The engine has {} of {} layers of image {}", present, image.layers().size(), imageId);
    stream(new LoadArchive(layout, image, tag, present), service.name(), tag);

    String loaded = loadedId(tag).orElse(null);
    if (!imageId.value().equals(loaded)) {
      throw new AgentException(
          AgentFailure.ENGINE_FAILED,
          "The engine loaded image "
              + tag
              + " of service "
              + service.name()
              + " as "
              + loaded
              + ", not as "
              + imageId
              + "; check the engine's log");
    }
  }

  /**
   * Returns the id of the image loaded for {@code service}, by its tag.
   *
   * @throws AgentException {@code ENGINE_FAILED} when the engine lacks it
   */
  Digest imageId(InstalledService service) {
    String tag = names.imageTag(service.name(), service.manifest());
    return loadedId(tag)
        .map(Digest::of)
        .orElseThrow(
            () ->
                new AgentException(
                    AgentFailure.ENGINE_FAILED,
                    "The engine lacks image "
                        + tag
                        + " of service "
                        + service.name()
                        + " (manifest "
                        + service.manifest()
                        + "); load the release before running it"));
  }

  /**
   * Removes the tags this device's agent loaded, except {@code keep}, and with them each image no
   * container uses any more. An image a container still uses keeps its tag until a later call.
   */
  void removeUnused(Set<String> keep) {
    String prefix = names.imagePrefix();
    for (com.github.dockerjava.api.model.Image image : client.listImagesCmd().exec()) {
      String[] tags = image.getRepoTags() == null ? new String[0] : image.getRepoTags();
      for (String tag : tags) {
        if (tag.startsWith(prefix) && !keep.contains(tag)) {
          remove(tag);
        }
      }
    }
  }

  private void remove(String tag) {
    try {
      client.removeImageCmd(tag).exec();
      LOG.info("Removed image {} of device {} from the engine", tag, names.deviceUuid());
    } catch (ConflictException e) {
      LOG.debug("Image {} is still in use: {}", tag, e.getMessage());
    } catch (NotFoundException e) {
      LOG.debug("Image {} was gone already", tag);
    }
  }

  /**
   * Returns how many layers of {@code image}, counted from the base, an image this device loaded
   * has as well, so that the engine has them already.
   */
  int presentLayers(Image image) {
    List<String> diffIds = new ArrayList<>();
    for (Layer layer : image.layers()) {
      diffIds.add(layer.diffId().value());
    }
    int maxCommon = 0;
    for (com.github.dockerjava.api.model.Image loaded : client.listImagesCmd().exec()) {
      if (!hasTagOfDevice(loaded)) {
        continue;
      }
      RootFS rootFs = client.inspectImageCmd(loaded.getId()).exec().getRootFS();
      List<String> layers =
          rootFs == null || rootFs.getLayers() == null ? List.of() : rootFs.getLayers();
      int common = 0;
      while (common < diffIds.size()
          && common < layers.size()
          && diffIds.get(common).equals(layers.get(common))) {
        common++;
      }
      maxCommon = Math.max(maxCommon, common);
    }
    return maxCommon;
  }

  private boolean hasTagOfDevice(com.github.dockerjava.api.model.Image image) {
    String[] tags = image.getRepoTags() == null ? new String[0] : image.getRepoTags();
    for (String tag : tags) {
      if (tag.startsWith(names.imagePrefix())) {
        return true;
      }
    }
    return false;
  }

  private Optional<String> loadedId(String tag) {
    try {
      return Optional.ofNullable(client.inspectImageCmd(tag).exec().getId());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  private static Image read(InstalledService service, OciLayout layout) {
    try {
      // The name may point to a local manifest that lists uncompressed layers; load that one.
      return ImageReader.read(layout, layout.resolve(service.refName()));
    } catch (RuntimeException e) {
      throw new AgentException(
          AgentFailure.ENGINE_FAILED,
          "Cannot read image "
              + service.refName()
              + " of service "
              + service.name()
              + " from the OCI layout "
              + layout.dir()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private void stream(LoadArchive archive, String service, String tag) {
    AtomicReference<IOException> writeFailure = new AtomicReference<>();
    LoadErrors errors = new LoadErrors();
    try (PipedInputStream in = new PipedInputStream(PIPE_BYTES)) {
      PipedOutputStream out = new PipedOutputStream(in);
      Thread writer =
          new Thread(() -> write(archive, out, writeFailure), "slipway-load-" + service);
      writer.setDaemon(true);
      writer.start();
      try {
        client.loadImageAsyncCmd(in).exec(errors).awaitCompletion();
      } finally {
        // Closing the reading end ends a writer that the engine left blocked on a full pipe.
        in.close();
        writer.join();
      }
    } catch (IOException e) {
      throw failed(service, tag, e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed(service, tag, "interrupted", e);
    }
    // A broken archive makes the engine fail too; the writer's error names the cause.
    if (writeFailure.get() != null) {
      throw failed(service, tag, writeFailure.get().toString(), writeFailure.get());
    }
    if (errors.first() != null) {
      throw failed(service, tag, errors.first(), null);
    }
  }

  private static void write(
      LoadArchive archive, PipedOutputStream out, AtomicReference<IOException> failure) {
    try (out) {
      archive.writeTo(out);
    } catch (IOException e) {
      failure.set(e);
    }
  }

  private static AgentException failed(String service, String tag, String reason, Throwable cause) {
    return new AgentException(
        AgentFailure.ENGINE_FAILED,
        "Loading image " + tag + " of service " + service + " into the engine failed: " + reason,
        cause);
  }

  /** Keeps the first error the engine reports in its load progress. */
  private static final class LoadErrors extends ResultCallback.Adapter<LoadResponseItem> {

    private volatile String first;

    @Override
    public void onNext(LoadResponseItem item) {
      if (item.isErrorIndicated() && first == null) {
        first =
            item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError();
      }
    }

    String first() {
      return first;
    }
  }
}
