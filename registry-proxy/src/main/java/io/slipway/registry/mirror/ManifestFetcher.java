package io.slipway.registry.mirror;

import io.slipway.registry.error.ErrorCode;
import io.slipway.registry.error.RegistryException;
import io.slipway.registry.manifest.Descriptor;
import io.slipway.registry.manifest.ManifestParser;
import io.slipway.registry.manifest.ManifestService;
import io.slipway.registry.manifest.ParsedManifest;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.InvalidReferenceException;
import io.slipway.registry.reference.Tag;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills mirrored repositories with manifests from their upstream.
 *
 * <p>A fetched manifest is stored through {@link ManifestService#put}, the path of a push, so the
 * registry checks that everything it names is present. Before that put, the config and layers of an
 * image manifest are fetched, and every child manifest of an index (all platforms) is fetched and
 * stored by digest, recursively.
 *
 * <p>A tag is resolved upstream with {@code HEAD} on every request, so a moved tag is seen on the
 * next pull. When the upstream fails and the tag is stored, the stored manifest is served and a
 * warning logged. An upstream 404 is passed on as MANIFEST_UNKNOWN even for a stored tag, because
 * the upstream removed the tag. The stored manifest stays reachable by digest. A digest that is
 * stored is served without asking the upstream, because its content cannot change.
 *
 * <p>Safe for concurrent use. Two requests for the same new manifest may both fetch and store it,
 * which is harmless because a put of identical content is idempotent; their blobs are still
 * downloaded once, by the {@link BlobFetcher}.
 */
final class ManifestFetcher {

  private static final Logger log = LoggerFactory.getLogger(ManifestFetcher.class);

  /** Deepest nesting of indexes followed; real images nest at most one level. */
  private static final int MAX_INDEX_DEPTH = 4;

  private final ManifestService manifests;
  private final RegistryMetadata metadata;
  private final BlobFetcher blobs;
  private final long maxManifestBytes;
  private final ManifestParser parser = new ManifestParser();

  ManifestFetcher(
      ManifestService manifests,
      RegistryMetadata metadata,
      BlobFetcher blobs,
      long maxManifestBytes) {
    this.manifests = manifests;
    this.metadata = metadata;
    this.blobs = blobs;
    this.maxManifestBytes = maxManifestBytes;
  }

  /**
   * Makes sure manifest {@code reference}, a tag or digest, is stored in {@code target}'s local
   * repository and, for a tag, matches the upstream's. A malformed reference is left alone, so that
   * reading it fails with the same error as in any other repository.
   *
   * @throws RegistryException MANIFEST_UNKNOWN when the upstream responds with 404, UPSTREAM_FAILED
   *     when the upstream fails and nothing is stored to fall back on
   */
  void ensure(MirroredRepository target, String reference) {
    if (Digest.isDigest(reference)) {
      digestOf(reference).ifPresent(digest -> ensureDigest(target, digest));
    } else {
      tagOf(reference).ifPresent(tag -> ensureTag(target, tag));
    }
  }

  private static Optional<Digest> digestOf(String reference) {
    try {
      return Optional.of(Digest.parse(reference));
    } catch (InvalidReferenceException e) {
      return Optional.empty();
    }
  }

  private static Optional<Tag> tagOf(String reference) {
    try {
      return Optional.of(new Tag(reference));
    } catch (InvalidReferenceException e) {
      return Optional.empty();
    }
  }

  private void ensureDigest(MirroredRepository target, Digest digest) {
    if (manifests.contains(target.local(), digest)) {
      return;
    }
    try {
      fetchByDigest(target, digest, 0);
    } catch (UpstreamException e) {
      throw failure(target, digest.toString(), e);
    }
  }

  private void ensureTag(MirroredRepository target, Tag tag) {
    Optional<Digest> stored =
        metadata
            .tag(target.local(), tag.value())
            .filter(digest -> manifests.contains(target.local(), digest));
    try {
      refreshTag(target, tag, stored);
    } catch (UpstreamException e) {
      if (e.notFound() || stored.isEmpty()) {
        throw failure(target, tag.value(), e);
      }
      log.warn(
          "Upstream failed for tag {} of {}: {}; serving the stored manifest {}",
          tag,
          target.describe(),
          e.getMessage(),
          stored.get());
    }
  }

  private void refreshTag(MirroredRepository target, Tag tag, Optional<Digest> stored) {
    UpstreamClient upstream = target.upstream();
    Optional<Digest> announced = upstream.manifestDigest(target.upstreamName(), tag.value());
    if (announced.isPresent() && announced.equals(stored)) {
      return;
    }
    // Fetching by the announced digest rather than the tag keeps a tag that moves between the
    // two requests from mixing two manifests.
    String reference = announced.map(Digest::toString).orElse(tag.value());
    UpstreamClient.Manifest manifest =
        upstream.manifest(target.upstreamName(), reference, maxManifestBytes);
    Digest digest = verify(target, reference, manifest, announced.orElse(null));
    if (stored.isPresent() && stored.get().equals(digest)) {
      return;
    }
    store(target, tag.value(), digest, manifest, 0);
  }

  private void fetchByDigest(MirroredRepository target, Digest digest, int depth) {
    UpstreamClient.Manifest manifest =
        target.upstream().manifest(target.upstreamName(), digest.toString(), maxManifestBytes);
    verify(target, digest.toString(), manifest, digest);
    store(target, digest.toString(), digest, manifest, depth);
  }

  /**
   * Checks the content against the digest the request named and the one the upstream declared, and
   * returns its digest.
   *
   * @param expected the digest the content must have, or null when requested by tag
   */
  private static Digest verify(
      MirroredRepository target,
      String reference,
      UpstreamClient.Manifest manifest,
      Digest expected) {
    Digest declared = manifest.declaredDigest();
    // Hash with the algorithm of the digest the content is compared with; sha256 by default.
    Digest basis = expected != null ? expected : declared;
    Digest actual =
        basis == null ? Digest.sha256Of(manifest.content()) : basis.recompute(manifest.content());
    if (expected != null && !actual.equals(expected)) {
      throw new UpstreamException(
          "Manifest '"
              + reference
              + "' of "
              + target.describe()
              + " has digest "
              + actual
              + ", not the requested "
              + expected
              + "; nothing was stored");
    }
    if (declared != null && !declared.recompute(manifest.content()).equals(declared)) {
      throw new UpstreamException(
          "Manifest '"
              + reference
              + "' of "
              + target.describe()
              + " does not match its Docker-Content-Digest "
              + declared
              + "; nothing was stored");
    }
    return actual;
  }

  private void store(
      MirroredRepository target,
      String reference,
      Digest digest,
      UpstreamClient.Manifest manifest,
      int depth) {
    ParsedManifest parsed = parse(target, digest, manifest);
    fetchReferences(target, digest, parsed, depth);
    try {
      manifests.put(target.local(), reference, manifest.content(), manifest.contentType());
    } catch (RegistryException e) {
      throw unusable(target, digest, e);
    }
    log.info(
        "Fetched manifest {}{} into {}",
        digest,
        reference.equals(digest.toString()) ? "" : " as tag " + reference,
        target.describe());
  }

  private ParsedManifest parse(
      MirroredRepository target, Digest digest, UpstreamClient.Manifest manifest) {
    try {
      return parser.parse(manifest.content(), manifest.contentType());
    } catch (RegistryException e) {
      throw unusable(target, digest, e);
    }
  }

  /** Reports a manifest that this registry rejects, as a push of it would be rejected. */
  private static UpstreamException unusable(
      MirroredRepository target, Digest digest, RegistryException e) {
    return new UpstreamException(
        "Upstream manifest "
            + digest
            + " of "
            + target.describe()
            + " cannot be mirrored: "
            + e.getMessage());
  }

  private void fetchReferences(
      MirroredRepository target, Digest digest, ParsedManifest parsed, int depth) {
    if (parsed.isIndex()) {
      if (depth >= MAX_INDEX_DEPTH) {
        throw new UpstreamException(
            "Index "
                + digest
                + " of "
                + target.describe()
                + " nests indexes deeper than "
                + MAX_INDEX_DEPTH
                + " levels");
      }
      for (Descriptor child : parsed.manifests()) {
        fetchChild(target, digest, child.digest(), depth + 1);
      }
      return;
    }
    if (parsed.config() != null) {
      fetchBlob(target, digest, parsed.config());
    }
    for (Descriptor layer : parsed.layers()) {
      if (!layer.external()) {
        fetchBlob(target, digest, layer);
      }
    }
  }

  private void fetchChild(MirroredRepository target, Digest index, Digest child, int depth) {
    if (manifests.contains(target.local(), child)) {
      return;
    }
    try {
      fetchByDigest(target, child, depth);
    } catch (UpstreamException e) {
      // Status dropped on purpose: a missing child is a broken upstream index, not an unknown
      // manifest from the client's point of view.
      throw new UpstreamException(
          "Index " + index + " names manifest " + child + ", which failed: " + e.getMessage());
    }
  }

  private void fetchBlob(MirroredRepository target, Digest manifest, Descriptor blob) {
    try {
      blobs.ensure(target, blob.digest());
    } catch (RegistryException e) {
      throw new UpstreamException(
          "Manifest "
              + manifest
              + " names blob "
              + blob.digest()
              + ", which failed: "
              + e.getMessage());
    }
  }

  private RegistryException failure(
      MirroredRepository target, String reference, UpstreamException e) {
    if (e.notFound()) {
      return new RegistryException(
          ErrorCode.MANIFEST_UNKNOWN,
          "Manifest '" + reference + "' is not in the upstream repository of " + target.describe(),
          Map.of("reference", reference));
    }
    log.warn(
        "Fetching manifest '{}' into {} failed: {}", reference, target.describe(), e.getMessage());
    return new RegistryException(
        ErrorCode.UPSTREAM_FAILED,
        "Fetching manifest '"
            + reference
            + "' into "
            + target.describe()
            + " failed and no copy is stored: "
            + e.getMessage(),
        Map.of("reference", reference));
  }
}
