package io.slipway.registry;

import io.slipway.registry.auth.TokenVerifier;
import io.slipway.registry.blob.ReferenceLock;
import io.slipway.registry.gc.GarbageCollector;
import io.slipway.registry.http.RegistryServlet;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.mirror.MirrorPullThrough;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.RepositoryName;
import io.slipway.registry.reference.Tag;
import io.slipway.registry.upload.UploadService;
import io.slipway.storage.BlobStore;
import jakarta.servlet.http.HttpServlet;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * An OCI Distribution 1.1 registry: blobs and manifests in a {@link BlobStore}, repository metadata
 * (tags, manifests, referrers, blob links) in a relational database, and bearer-token authorization
 * checked against the token issuer's public key.
 *
 * <p>The database schema comes from the Flyway migrations under {@code db/migration} in this
 * module; the caller runs them before {@link Builder#build()}. Instances are safe for concurrent
 * use.
 */
public final class Registry {

  private final RegistryServlet servlet;
  private final ReferenceLock referenceLock;
  private final BlobStore blobStore;
  private final RegistryMetadata metadata;
  private final GarbageCollector garbageCollector;

  private Registry(Builder builder) {
    RegistryMetadata metadata = new RegistryMetadata(builder.dataSource, builder.clock);
    this.referenceLock = new ReferenceLock();
    this.blobStore = builder.blobStore;
    this.metadata = metadata;
    this.servlet =
        new RegistryServlet(
            builder.settings,
            builder.blobStore,
            metadata,
            referenceLock,
            pullThrough(builder, metadata, referenceLock),
            builder.tokens);
    this.garbageCollector =
        new GarbageCollector(
            builder.blobStore,
            metadata,
            referenceLock,
            new UploadService(
                builder.blobStore, metadata, referenceLock, builder.settings.maxUploadBytes()),
            builder.clock);
  }

  /** Returns the builder's pull-through, or the mirrors of the settings when none was set. */
  private static PullThrough pullThrough(
      Builder builder, RegistryMetadata metadata, ReferenceLock referenceLock) {
    if (builder.pullThrough != null) {
      return builder.pullThrough;
    }
    if (builder.settings.mirrors().isEmpty()) {
      return PullThrough.NONE;
    }
    return new MirrorPullThrough(
        builder.settings, builder.blobStore, metadata, referenceLock, builder.clock);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns the servlet that serves the registry API; mount it at {@code /v2/*}. */
  public HttpServlet servlet() {
    return servlet;
  }

  /**
   * Returns the garbage collector of this registry's blobs; the same instance on every call, so
   * that runs from different callers are serialized.
   */
  public GarbageCollector garbageCollector() {
    return garbageCollector;
  }

  /**
   * Returns true when {@code repository} contains a manifest or index with {@code digest}. Safe for
   * concurrent use.
   *
   * @throws io.slipway.registry.reference.InvalidReferenceException when the repository name or the
   *     digest is malformed
   */
  public boolean containsManifest(String repository, String digest) {
    return metadata.manifest(new RepositoryName(repository), Digest.parse(digest)).isPresent();
  }

  /**
   * Returns the repositories one path segment below {@code prefix} (such as {@code
   * acme/sensors/web} below {@code acme/sensors}) that hold {@code tag}, sorted by name. Reads only
   * the metadata; a mirrored repository's upstream is not asked. Safe for concurrent use.
   *
   * @throws io.slipway.registry.reference.InvalidReferenceException when the prefix is not a valid
   *     repository name or the tag is malformed
   */
  public List<String> repositoriesWithTag(String prefix, String tag) {
    return metadata.childRepositoriesWithTag(new RepositoryName(prefix), new Tag(tag).value());
  }

  /** Builds a {@link Registry}; every setter but {@link #clock} is required. */
  public static final class Builder {
    private RegistrySettings settings;
    private BlobStore blobStore;
    private DataSource dataSource;
    private TokenVerifier tokens;
    private Clock clock = Clock.systemUTC();
    private PullThrough pullThrough;

    private Builder() {}

    public Builder settings(RegistrySettings settings) {
      this.settings = settings;
      return this;
    }

    public Builder blobStore(BlobStore blobStore) {
      this.blobStore = blobStore;
      return this;
    }

    public Builder dataSource(DataSource dataSource) {
      this.dataSource = dataSource;
      return this;
    }

    public Builder tokenVerifier(TokenVerifier tokens) {
      this.tokens = tokens;
      return this;
    }

    /**
     * Sets what fills mirrored repositories from their upstream. By default a {@link
     * MirrorPullThrough} serves the mirrors of the settings, and nothing is mirrored without any.
     */
    public Builder pullThrough(PullThrough pullThrough) {
      this.pullThrough = pullThrough;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Registry build() {
      Objects.requireNonNull(settings, "settings");
      Objects.requireNonNull(blobStore, "blobStore");
      Objects.requireNonNull(dataSource, "dataSource");
      Objects.requireNonNull(tokens, "tokenVerifier");
      return new Registry(this);
    }
  }
}
