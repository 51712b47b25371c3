package io.slipway.registry.gc;

import io.slipway.registry.blob.ReferenceLock;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.metadata.RegistryMetadata.ManifestEntry;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.RepositoryName;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mark phase: collects the digest of every kept manifest and of everything it names. Without
 * {@link GcOptions#deleteUntagged()} every stored manifest is kept, since a manifest stays
 * addressable by digest until a client deletes it.
 *
 * <p>With it, a repository's manifests are kept when reachable from a root: a tagged manifest, or
 * one pushed after the grace cutoff. Reachable means a child of a kept index or a referrer whose
 * subject is kept, transitively. Recent manifests count as roots because clients push the platform
 * manifests of a multi-platform image, and signatures, by digest before anything names them.
 */
final class ManifestMarker {

  private static final Logger log = LoggerFactory.getLogger(ManifestMarker.class);

  /** The result of marking: the digests in use and how many manifests were kept and deleted. */
  record Marks(Set<Digest> digests, int manifestsKept, int manifestsDeleted) {}

  private final RegistryMetadata metadata;
  private final ReferenceLock referenceLock;

  ManifestMarker(RegistryMetadata metadata, ReferenceLock referenceLock) {
    this.metadata = metadata;
    this.referenceLock = referenceLock;
  }

  /**
   * Marks every repository's kept manifests; in a real run with {@code deleteUntagged}, deletes the
   * unreachable ones first.
   */
  Marks mark(GcOptions options, Instant cutoff, long run) {
    Set<Digest> digests = new HashSet<>();
    int kept = 0;
    int deleted = 0;
    for (String name : metadata.repositories()) {
      RepositoryName repository = new RepositoryName(name);
      List<ManifestEntry> entries = metadata.manifestEntries(repository);
      Set<Digest> unreachable =
          options.deleteUntagged() ? unreachable(entries, cutoff.toEpochMilli()) : Set.of();

      if (!unreachable.isEmpty() && !options.dryRun()) {
        Pruned pruned =
            referenceLock.whileSweeping(() -> deleteUnreachable(repository, cutoff, run));
        entries = pruned.entries();
        unreachable = pruned.deleted();
      }

      for (ManifestEntry entry : entries) {
        if (!unreachable.contains(entry.digest())) {
          digests.add(entry.digest());
          digests.addAll(entry.references());
          kept++;
        }
      }
      deleted += unreachable.size();
    }
    return new Marks(digests, kept, deleted);
  }

  private record Pruned(List<ManifestEntry> entries, Set<Digest> deleted) {}

  /**
   * Reads the repository again and deletes what is unreachable now. Runs under the sweep lock, so
   * no tag or index pushed meanwhile can be missed.
   */
  private Pruned deleteUnreachable(RepositoryName repository, Instant cutoff, long run) {
    List<ManifestEntry> entries = metadata.manifestEntries(repository);
    Set<Digest> unreachable = unreachable(entries, cutoff.toEpochMilli());
    Set<Digest> deleted = new HashSet<>();
    for (Digest digest : unreachable) {
      if (metadata.deleteManifest(repository, digest)) {
        deleted.add(digest);
        log.debug(
            "Garbage collection {} deleted untagged manifest {} from {}", run, digest, repository);
      }
    }
    return new Pruned(entries, deleted);
  }

  /**
   * Returns the manifests of one repository that no root reaches, where roots are tagged manifests
   * and those pushed after {@code cutoffMillis}.
   */
  static Set<Digest> unreachable(List<ManifestEntry> entries, long cutoffMillis) {
    Map<Digest, ManifestEntry> byDigest = new HashMap<>();
    Map<Digest, List<Digest>> referrers = new HashMap<>();
    Deque<Digest> pending = new ArrayDeque<>();
    for (ManifestEntry entry : entries) {
      byDigest.put(entry.digest(), entry);
      if (entry.subject() != null) {
        referrers.computeIfAbsent(entry.subject(), key -> new ArrayList<>()).add(entry.digest());
      }
      if (entry.tagged() || entry.pushedAt() > cutoffMillis) {
        pending.add(entry.digest());
      }
    }

    Set<Digest> reached = new HashSet<>();
    while (!pending.isEmpty()) {
      Digest digest = pending.pop();
      if (!reached.add(digest)) {
        continue;
      }
      byDigest.get(digest).references().stream()
          .filter(byDigest::containsKey)
          .forEach(pending::add);
      pending.addAll(referrers.getOrDefault(digest, List.of()));
    }

    Set<Digest> unreachable = new HashSet<>(byDigest.keySet());
    unreachable.removeAll(reached);
    return unreachable;
  }
}
