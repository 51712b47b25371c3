package io.slipway.api.deploy;

import io.slipway.api.deploy.CheckedImage.PlatformManifest;
import io.slipway.api.deploy.ImageDocument.BlobDescriptor;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.release.Release;
import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.IndexWriter;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The fourth step of a deploy: makes each checked image a service image of the fleet. Every blob of
 * the chosen manifests is mounted from its source repository into {@code ORG/FLEET/SERVICE} (a
 * cross-repository mount links the stored blob; nothing is copied), the manifests are put there by
 * digest, and an OCI index over them is tagged with the release version, as a built release's is.
 * Stateless and safe for concurrent use.
 */
@Component
public class ImagePublisher {

  private static final Logger log = LoggerFactory.getLogger(ImagePublisher.class);

  /**
   * A service's image as published in the fleet's repository.
   *
   * @param image the checked image it came from
   * @param repository {@code ORG/FLEET/SERVICE}
   * @param index the index tagged with the release version
   */
  public record Published(CheckedImage image, String repository, Manifest index) {}

  /**
   * Publishes every image into the fleet's repositories for {@code release}.
   *
   * @param progress receives one line per service, for the release log
   * @throws RegistryException when the registry declines a mount or refuses a manifest
   */
  public List<Published> publish(
      RegistryClient client,
      Fleet fleet,
      Release release,
      List<CheckedImage> images,
      Consumer<String> progress) {
    List<Published> published = new ArrayList<>();
    for (CheckedImage image : images) {
      String repository = fleet.repositoryPrefix() + "/" + image.source().service();
      int mounted = 0;
      List<Descriptor> entries = new ArrayList<>();
      for (PlatformManifest chosen : image.distinctManifests()) {
        for (BlobDescriptor blob : chosen.document().blobs()) {
          mounted += mount(client, image.source().repository(), repository, blob.digest());
        }
        Manifest manifest = chosen.manifest();
        client.putManifest(repository, manifest.digest(), manifest);
        entries.add(Descriptor.of(manifest, chosen.offered()));
      }
      Manifest index =
          new IndexWriter(client)
              .write(
                  repository,
                  release.version(),
                  entries,
                  release.sourceCommit(),
                  Instant.ofEpochMilli(release.createdAt()));
      progress.accept(
          "Service "
              + image.source().service()
              + ": "
              + image.source().describe()
              + " is "
              + repository
              + ":"
              + release.version()
              + " ("
              + index.digest()
              + "), "
              + mounted
              + " blobs mounted");
      log.info(
          "Release {}: published {} as {}@{}, {} blobs mounted",
          release.id(),
          image.source().describe(),
          repository,
          index.digest(),
          mounted);
      published.add(new Published(image, repository, index));
    }
    return published;
  }

  /** Mounts one blob unless the target already contains it; returns 1 when it mounted. */
  private static int mount(RegistryClient client, String from, String to, String digest) {
    if (from.equals(to) || client.blobExists(to, digest)) {
      return 0;
    }
    if (!client.mountBlob(to, digest, from)) {
      throw new RegistryException(
          to,
          digest,
          202,
          "the registry declined to mount the blob from "
              + from
              + "; a deploy never copies blobs, so check that the blob is still in "
              + from);
    }
    return 1;
  }
}
