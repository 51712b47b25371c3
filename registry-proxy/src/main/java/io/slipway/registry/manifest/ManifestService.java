package io.slipway.registry.manifest;

import io.slipway.registry.blob.BlobLayout;
import io.slipway.registry.blob.BlobService;
import io.slipway.registry.blob.ReferenceLock;
import io.slipway.registry.error.ErrorCode;
import io.slipway.registry.error.RegistryException;
import io.slipway.registry.metadata.ManifestRecord;
import io.slipway.registry.metadata.RegistryMetadata;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.InvalidReferenceException;
import io.slipway.registry.reference.RepositoryName;
import io.slipway.registry.reference.Tag;
import io.slipway.storage.BlobStore;
import io.slipway.storage.ObjectNotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores, resolves and deletes manifests and tags. A manifest is accepted only when every blob and
 * child manifest it names is already in the repository, so a pulled manifest never points at
 * missing content.
 *
 * <p>Safe for concurrent use.
 */
public final class ManifestService {

  private static final Logger log = LoggerFactory.getLogger(ManifestService.class);

  private final BlobStore store;
  private final RegistryMetadata metadata;
  private final BlobService blobs;
  private final ReferenceLock referenceLock;
  private final ManifestParser parser = new ManifestParser();

  public ManifestService(
      BlobStore store, RegistryMetadata metadata, BlobService blobs, ReferenceLock referenceLock) {
    this.store = store;
    this.metadata = metadata;
    this.blobs = blobs;
    this.referenceLock = referenceLock;
  }

  /** The result of a push: the manifest's digest and the subject it refers to, if any. */
  public record PushResult(Digest digest, Digest subject) {}

  /**
   * Checks and stores a manifest under {@code reference}, a tag or a digest.
   *
   * @throws RegistryException MANIFEST_INVALID for a malformed manifest, DIGEST_INVALID when the
   *     reference is a digest that the content does not match, MANIFEST_BLOB_UNKNOWN when a named
   *     blob or child manifest is missing, TAG_INVALID for a malformed tag
   */
  public PushResult put(
      RepositoryName repository, String reference, byte[] content, String contentType) {
    String tag = null;
    Digest digest;
    if (Digest.isDigest(reference)) {
      Digest given = parseDigest(reference);
      digest = given.recompute(content);
      if (!digest.equals(given)) {
        throw new RegistryException(
            ErrorCode.DIGEST_INVALID,
            "Manifest content has digest " + digest + ", not " + given + " as the URL says",
            Map.of("digest", given.toString()));
      }
    } else {
      tag = parseTag(reference).value();
      digest = Digest.sha256Of(content);
    }
    ParsedManifest parsed = parser.parse(content, contentType);
    String finalTag = tag;
    return referenceLock.whileReferencing(
        () -> {
          Set<Digest> references = checkReferences(repository, parsed);
          store.write(BlobLayout.blob(digest), new ByteArrayInputStream(content), content.length);
          Digest subject = parsed.subject() == null ? null : parsed.subject().digest();
          ManifestRecord record =
              new ManifestRecord(
                  digest,
                  parsed.mediaType(),
                  content.length,
                  parsed.artifactType(),
                  subject,
                  parsed.annotationsJson());
          metadata.putManifest(repository, record, references, finalTag);
          log.info(
              "Pushed manifest {} to {}{}",
              digest,
              repository,
              finalTag == null ? "" : " as tag " + finalTag);
          return new PushResult(digest, subject);
        });
  }

  private Set<Digest> checkReferences(RepositoryName repository, ParsedManifest parsed) {
    Set<Digest> references = new LinkedHashSet<>();
    if (parsed.config() != null) {
      checkBlob(repository, parsed.config());
    }
    for (Descriptor layer : parsed.layers()) {
      if (!layer.external()) {
        checkBlob(repository, layer);
      }
    }
    for (Descriptor child : parsed.manifests()) {
      if (metadata.manifest(repository, child.digest()).isEmpty()) {
        throw blobUnknown(repository, child.digest(), "manifest");
      }
    }
    references.addAll(parsed.referencedDigests());
    return references;
  }

  private void checkBlob(RepositoryName repository, Descriptor descriptor) {
    if (!blobs.exists(repository, descriptor.digest())) {
      throw blobUnknown(repository, descriptor.digest(), "blob");
    }
    long stored = blobs.size(repository, descriptor.digest());
    if (stored != descriptor.size()) {
      throw new RegistryException(
          ErrorCode.MANIFEST_INVALID,
          "Descriptor of "
              + descriptor.digest()
              + " gives size "
              + descriptor.size()
              + " but the stored blob has "
              + stored
              + " bytes; fix the size in the manifest");
    }
  }

  private static RegistryException blobUnknown(
      RepositoryName repository, Digest digest, String kind) {
    return new RegistryException(
        ErrorCode.MANIFEST_BLOB_UNKNOWN,
        "Manifest names "
            + kind
            + " "
            + digest
            + ", which repository "
            + repository
            + " does not hold; push it before the manifest",
        Map.of("digest", digest.toString()));
  }

  /**
   * Resolves {@code reference}, a tag or digest, to the stored manifest.
   *
   * @throws RegistryException MANIFEST_UNKNOWN when neither the tag nor the digest is known
   */
  public StoredManifest get(RepositoryName repository, String reference) {
    ManifestRecord record = resolve(repository, reference);
    return new StoredManifest(record.digest(), record.mediaType(), read(record));
  }

  /** Returns the record that {@code reference} names, without reading the content. */
  public ManifestRecord resolve(RepositoryName repository, String reference) {
    Digest digest =
        Digest.isDigest(reference)
            ? parseDigest(reference)
            : metadata
                .tag(repository, parseTag(reference).value())
                .orElseThrow(() -> manifestUnknown(repository, reference));
    return metadata
        .manifest(repository, digest)
        .orElseThrow(() -> manifestUnknown(repository, reference));
  }

  /** Returns true when {@code repository} contains the manifest {@code digest}. */
  public boolean contains(RepositoryName repository, Digest digest) {
    return metadata.manifest(repository, digest).isPresent();
  }

  private byte[] read(ManifestRecord record) {
    try (InputStream in = store.read(BlobLayout.blob(record.digest()), 0, -1)) {
      return in.readAllBytes();
    } catch (ObjectNotFoundException e) {
      throw new RegistryException(
          ErrorCode.MANIFEST_UNKNOWN,
          "Manifest " + record.digest() + " is recorded but its content is missing from storage");
    } catch (IOException e) {
      throw new UncheckedIOException("Reading manifest " + record.digest() + " failed", e);
    }
  }

  /**
   * Deletes a manifest by digest (with the tags that point at it) or only a tag.
   *
   * @throws RegistryException MANIFEST_UNKNOWN when nothing matched
   */
  public void delete(RepositoryName repository, String reference) {
    if (Digest.isDigest(reference)) {
      Digest digest = parseDigest(reference);
      // Exclusive, so that no index naming this manifest is recorded between the check and the
      // delete.
      referenceLock.whileSweeping(
          () -> {
            deleteUnreferenced(repository, digest, reference);
            return null;
          });
      log.info("Deleted manifest {} from {}", digest, repository);
      return;
    }
    String tag = parseTag(reference).value();
    if (!metadata.deleteTag(repository, tag)) {
      throw manifestUnknown(repository, reference);
    }
    log.info("Deleted tag {} from {}", tag, repository);
  }

  private void deleteUnreferenced(RepositoryName repository, Digest digest, String reference) {
    List<String> indexes = metadata.manifestsReferencing(repository, digest);
    if (!indexes.isEmpty()) {
      throw new RegistryException(
          ErrorCode.STILL_REFERENCED,
          "Manifest "
              + digest
              + " is still a child of index "
              + indexes.get(0)
              + " in "
              + repository
              + "; delete the index first",
          Map.of("digest", digest.toString()));
    }
    if (!metadata.deleteManifest(repository, digest)) {
      throw manifestUnknown(repository, reference);
    }
  }

  /**
   * Returns a page of the repository's tags in lexical order: at most {@code limit} tags after
   * {@code last}.
   *
   * @throws RegistryException NAME_UNKNOWN when the repository is empty
   */
  public List<String> tags(RepositoryName repository, Optional<String> last, int limit) {
    if (!metadata.repositoryExists(repository)) {
      throw new RegistryException(
          ErrorCode.NAME_UNKNOWN, "Repository " + repository + " is not known; push to it first");
    }
    return Paging.page(metadata.tags(repository), last, limit);
  }

  /** Returns the manifests whose subject is {@code subject}, optionally of one artifact type. */
  public List<ManifestRecord> referrers(
      RepositoryName repository, Digest subject, Optional<String> artifactType) {
    return metadata.referrers(repository, subject).stream()
        .filter(
            record -> artifactType.isEmpty() || artifactType.get().equals(record.artifactType()))
        .toList();
  }

  /** Returns a page of repository names in lexical order. */
  public List<String> catalog(Optional<String> last, int limit) {
    return Paging.page(metadata.repositories(), last, limit);
  }

  private static Digest parseDigest(String reference) {
    try {
      return Digest.parse(reference);
    } catch (InvalidReferenceException e) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage());
    }
  }

  private static Tag parseTag(String reference) {
    try {
      return new Tag(reference);
    } catch (InvalidReferenceException e) {
      throw new RegistryException(ErrorCode.TAG_INVALID, e.getMessage());
    }
  }

  private static RegistryException manifestUnknown(RepositoryName repository, String reference) {
    return new RegistryException(
        ErrorCode.MANIFEST_UNKNOWN,
        "Manifest '" + reference + "' is not known in repository " + repository,
        Map.of("reference", reference));
  }
}
