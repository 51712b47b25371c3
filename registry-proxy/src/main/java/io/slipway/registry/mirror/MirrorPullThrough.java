package io.slipway.registry.mirror;

import io.slipway.registry.PullThrough;
import io.slipway.registry.RegistrySettings;
import io.slipway.registry.blob.BlobService;
import io.slipway.registry.blob.ReferenceLock;
import io.slipway.registry.manifest.ManifestService;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.RepositoryName;
import io.slipway.storage.BlobStore;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

/**
 * The pull-through cache: repositories under a configured {@link RegistrySettings.Mirror} prefix
 * are filled from the mirror's upstream registry on first use and served from storage afterwards.
 *
 * <p>Manifests are stored eagerly: before a fetched manifest is stored, everything it names is
 * fetched, the config and layers of an image and every child manifest of an index (all platforms).
 * This lets the manifest go through the same reference checks as a push, so a mirrored manifest
 * never points at missing content and the mirror keeps serving the whole image when the upstream
 * goes away. The cost is that the first pull of a tag waits for all of its blobs, of every platform
 * of a multi-platform index, before the manifest is returned.
 *
 * <p>Each blob digest is downloaded once in this process, however many requests ask for it at the
 * same time, and verified against its digest before it is stored. See {@link ManifestFetcher} for
 * how tags are refreshed and when stored content is served while the upstream is down, and {@link
 * BlobFetcher} for how blobs are verified and linked.
 *
 * <p>Mirrored repositories are read-only: the registry servlet rejects pushes and deletes to them.
 *
 * <p>Safe for concurrent use.
 */
public final class MirrorPullThrough implements PullThrough {

  /** Maximum wait for an upstream's response headers; a blob body may take longer to arrive. */
  public static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(30);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final MirrorRoutes routes;
  private final ManifestFetcher manifests;
  private final BlobFetcher blobs;

  /**
   * Builds the cache for {@code settings.mirrors()} on the registry's own storage and metadata.
   *
   * @param referenceLock the registry's lock, shared with garbage collection
   * @throws IllegalArgumentException when a mirror's prefix or upstream is invalid, or two mirrors
   *     share a prefix
   */
  public MirrorPullThrough(
      RegistrySettings settings,
      BlobStore store,
      RegistryMetadata metadata,
      ReferenceLock referenceLock,
      Clock clock) {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    BlobService blobService = new BlobService(store, metadata, referenceLock);
    ManifestService manifestService =
        new ManifestService(store, metadata, blobService, referenceLock);
    this.routes =
        new MirrorRoutes(
            settings.mirrors(),
            mirror -> new UpstreamClient(mirror, http, clock, UPSTREAM_TIMEOUT));
    this.blobs =
        new BlobFetcher(store, metadata, blobService, referenceLock, settings.maxUploadBytes());
    this.manifests =
        new ManifestFetcher(manifestService, metadata, blobs, settings.maxManifestBytes());
  }

  @Override
  public boolean mirrors(RepositoryName repository) {
    return routes.resolve(repository).isPresent();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Does nothing for a repository outside every mirror prefix.
   *
   * @throws io.slipway.registry.error.RegistryException MANIFEST_UNKNOWN when the upstream lacks
   *     the manifest, UPSTREAM_FAILED when the upstream fails and no copy is stored
   */
  @Override
  public void ensureManifest(RepositoryName repository, String reference) {
    routes.resolve(repository).ifPresent(target -> manifests.ensure(target, reference));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Does nothing for a repository outside every mirror prefix.
   *
   * @throws io.slipway.registry.error.RegistryException BLOB_UNKNOWN when the upstream lacks the
   *     blob, UPSTREAM_FAILED when the upstream fails or sends content that does not match the
   *     digest, TOO_LARGE when the blob exceeds {@link RegistrySettings#maxUploadBytes()}
   */
  @Override
  public void ensureBlob(RepositoryName repository, Digest digest) {
    routes.resolve(repository).ifPresent(target -> blobs.ensure(target, digest));
  }
}
