package io.slipway.registry;

import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.RepositoryName;

/**
 * Fills repositories that mirror an upstream registry before they are read: called before a
 * manifest or blob of a mirrored repository is served, it fetches what is missing from the upstream
 * into storage.
 *
 * <p>Implementations are safe for concurrent use, and fetch each blob once however many requests
 * ask for it at the same time.
 */
public interface PullThrough {

  /** A pull-through that mirrors nothing. */
  PullThrough NONE =
      new PullThrough() {
        @Override
        public boolean mirrors(RepositoryName repository) {
          return false;
        }

        @Override
        public void ensureManifest(RepositoryName repository, String reference) {}

        @Override
        public void ensureBlob(RepositoryName repository, Digest digest) {}
      };

  /** Returns true when {@code repository} lies under a mirrored prefix. */
  boolean mirrors(RepositoryName repository);

  /**
   * Makes sure the manifest {@code reference} (a tag or digest) is stored in {@code repository},
   * fetching it from upstream when missing. A tag is re-resolved upstream on each call, so that
   * moved tags are seen; unreachable upstreams fall back to what is stored.
   */
  void ensureManifest(RepositoryName repository, String reference);

  /** Makes sure the blob {@code digest} is stored and linked in {@code repository}. */
  void ensureBlob(RepositoryName repository, Digest digest);
}
