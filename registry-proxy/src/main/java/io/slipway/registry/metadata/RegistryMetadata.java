package io.slipway.registry.metadata;

import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.RepositoryName;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Repository metadata in the relational database: blob links, manifests, their references, tags and
 * upload sessions. Every multi-row change runs in one transaction, so readers never see a manifest
 * without its references or a tag pointing at a missing manifest.
 *
 * <p>Safe for concurrent use; concurrency control is the database's.
 */
public final class RegistryMetadata {

  private static final Logger log = LoggerFactory.getLogger(RegistryMetadata.class);

  /** How often {@link #putManifest} runs its transaction when concurrent pushes collide. */
  private static final int PUT_ATTEMPTS = 5;

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public RegistryMetadata(DataSource dataSource, Clock clock) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    this.clock = clock;
  }

  // Blob links -------------------------------------------------------------------------------

  /** Returns the size of {@code digest} when {@code repository} may read it. */
  public Optional<Long> linkedBlobSize(RepositoryName repository, Digest digest) {
    List<Long> sizes =
        jdbc.queryForList(
            "SELECT size FROM registry_blob_link WHERE repository = ? AND digest = ?",
            Long.class,
            repository.value(),
            digest.toString());
    return sizes.stream().findFirst();
  }

  /** Lets {@code repository} read {@code digest}, or refreshes the link time if it already may. */
  public void linkBlob(RepositoryName repository, Digest digest, long size) {
    long now = clock.millis();
    int updated =
        jdbc.update(
            "UPDATE registry_blob_link SET linked_at = ? WHERE repository = ? AND digest = ?",
            now,
            repository.value(),
            digest.toString());
    if (updated > 0) {
      return;
    }
    try {
      jdbc.update(
          "INSERT INTO registry_blob_link (repository, digest, size, linked_at) VALUES (?, ?, ?, ?)",
          repository.value(),
          digest.toString(),
          size,
          now);
    } catch (DuplicateKeyException raced) {
      // Another request linked the same blob at the same moment; the link exists, which is the
      // goal.
    }
  }

  /** Removes the link; returns false when there was none. */
  public boolean unlinkBlob(RepositoryName repository, Digest digest) {
    return jdbc.update(
            "DELETE FROM registry_blob_link WHERE repository = ? AND digest = ?",
            repository.value(),
            digest.toString())
        > 0;
  }

  // Manifests --------------------------------------------------------------------------------

  /**
   * Records a manifest, what it references, and optionally a tag pointing at it, in one
   * transaction. Pushing the same manifest again keeps one row, refreshes its push time and moves
   * the tag. Concurrent pushes of the same manifest all succeed: when another transaction inserts
   * the same manifest or tag first, the losing transaction is rolled back and run again, and then
   * finds the rows stored.
   */
  public void putManifest(
      RepositoryName repository, ManifestRecord manifest, Set<Digest> references, String tag) {
    for (int attempt = 1; ; attempt++) {
      try {
        transactions.executeWithoutResult(
            status -> storeManifest(repository.value(), manifest, references, tag));
        return;
      } catch (DuplicateKeyException raced) {
        // PostgreSQL aborts the whole transaction on a unique violation. A new transaction sees
        // the winner's rows and takes the update path.
        if (attempt >= PUT_ATTEMPTS) {
          throw raced;
        }
        log.debug(
            "Manifest {} in {} was stored concurrently; storing it again (attempt {})",
            manifest.digest(),
            repository,
            attempt + 1);
      }
    }
  }

  private void storeManifest(
      String repository, ManifestRecord manifest, Set<Digest> references, String tag) {
    String digest = manifest.digest().toString();
    // The digest fixes the content and so the references. The media type may still come from the
    // request's Content-Type, so the row takes this push's columns.
    int updated =
        jdbc.update(
            "UPDATE registry_manifest SET media_type = ?, size = ?, artifact_type = ?,"
                + " subject_digest = ?, annotations = ?, pushed_at = ?"
                + " WHERE repository = ? AND digest = ?",
            manifest.mediaType(),
            manifest.size(),
            manifest.artifactType(),
            subjectOf(manifest),
            manifest.annotationsJson(),
            clock.millis(),
            repository,
            digest);
    if (updated == 0) {
      insertManifest(repository, manifest, references);
    }
    if (tag != null) {
      putTag(repository, tag, digest);
    }
  }

  private void insertManifest(String repository, ManifestRecord manifest, Set<Digest> references) {
    String digest = manifest.digest().toString();
    jdbc.update(
        "INSERT INTO registry_manifest (repository, digest, media_type, size, artifact_type,"
            + " subject_digest, annotations, pushed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        repository,
        digest,
        manifest.mediaType(),
        manifest.size(),
        manifest.artifactType(),
        subjectOf(manifest),
        manifest.annotationsJson(),
        clock.millis());
    // References are written only together with their manifest row. Stray rows, such as those left
    // by a manual repair, are cleared so that the inserts below cannot collide with them.
    jdbc.update(
        "DELETE FROM registry_manifest_reference WHERE repository = ? AND manifest_digest = ?",
        repository,
        digest);
    for (Digest child : references) {
      jdbc.update(
          "INSERT INTO registry_manifest_reference (repository, manifest_digest, child_digest)"
              + " VALUES (?, ?, ?)",
          repository,
          digest,
          child.toString());
    }
  }

  private static String subjectOf(ManifestRecord manifest) {
    return manifest.subjectDigest() == null ? null : manifest.subjectDigest().toString();
  }

  private void putTag(String repository, String tag, String digest) {
    int updated =
        jdbc.update(
            "UPDATE registry_tag SET digest = ?, updated_at = ? WHERE repository = ? AND name = ?",
            digest,
            clock.millis(),
            repository,
            tag);
    if (updated == 0) {
      jdbc.update(
          "INSERT INTO registry_tag (repository, name, digest, updated_at) VALUES (?, ?, ?, ?)",
          repository,
          tag,
          digest,
          clock.millis());
    }
  }

  /** Returns the manifest {@code digest} of {@code repository}, if it contains one. */
  public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
    return jdbc
        .query(
            "SELECT digest, media_type, size, artifact_type, subject_digest, annotations"
                + " FROM registry_manifest WHERE repository = ? AND digest = ?",
            MANIFEST_ROW,
            repository.value(),
            digest.toString())
        .stream()
        .findFirst();
  }

  /**
   * Returns the digests of the manifests in {@code repository} that name {@code digest} as a
   * config, layer or child manifest, sorted.
   */
  public List<String> manifestsReferencing(RepositoryName repository, Digest digest) {
    return jdbc.queryForList(
        "SELECT manifest_digest FROM registry_manifest_reference"
            + " WHERE repository = ? AND child_digest = ? ORDER BY manifest_digest",
        String.class,
        repository.value(),
        digest.toString());
  }

  /** Returns the manifests whose subject is {@code subject}, in push order. */
  public List<ManifestRecord> referrers(RepositoryName repository, Digest subject) {
    return jdbc.query(
        "SELECT digest, media_type, size, artifact_type, subject_digest, annotations"
            + " FROM registry_manifest WHERE repository = ? AND subject_digest = ?"
            + " ORDER BY pushed_at, digest",
        MANIFEST_ROW,
        repository.value(),
        subject.toString());
  }

  /**
   * Deletes a manifest, the tags that point at it and its references, in one transaction; returns
   * false when the repository did not hold it.
   */
  public boolean deleteManifest(RepositoryName repository, Digest digest) {
    Boolean deleted =
        transactions.execute(
            status -> {
              String repo = repository.value();
              String value = digest.toString();
              int rows =
                  jdbc.update(
                      "DELETE FROM registry_manifest WHERE repository = ? AND digest = ?",
                      repo,
                      value);
              jdbc.update(
                  "DELETE FROM registry_tag WHERE repository = ? AND digest = ?", repo, value);
              jdbc.update(
                  "DELETE FROM registry_manifest_reference WHERE repository = ?"
                      + " AND manifest_digest = ?",
                  repo,
                  value);
              return rows > 0;
            });
    return Boolean.TRUE.equals(deleted);
  }

  // Tags -------------------------------------------------------------------------------------

  /** Returns the digest that {@code tag} points at. */
  public Optional<Digest> tag(RepositoryName repository, String tag) {
    return jdbc
        .queryForList(
            "SELECT digest FROM registry_tag WHERE repository = ? AND name = ?",
            String.class,
            repository.value(),
            tag)
        .stream()
        .findFirst()
        .map(Digest::parse);
  }

  /** Returns every tag of {@code repository}, unsorted. */
  public List<String> tags(RepositoryName repository) {
    return jdbc.queryForList(
        "SELECT name FROM registry_tag WHERE repository = ?", String.class, repository.value());
  }

  /**
   * Returns the repositories named {@code prefix/NAME}, one path segment below {@code prefix}, that
   * hold {@code tag}, sorted by name.
   */
  public List<String> childRepositoriesWithTag(RepositoryName prefix, String tag) {
    String start = prefix.value() + "/";
    String pattern = start.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    return jdbc
        .queryForList(
            "SELECT repository FROM registry_tag WHERE name = ? AND repository LIKE ? ESCAPE '\\'",
            String.class,
            tag,
            pattern)
        .stream()
        .filter(name -> name.startsWith(start) && name.indexOf('/', start.length()) < 0)
        .sorted()
        .toList();
  }

  /** Deletes a tag; returns false when there was none. */
  public boolean deleteTag(RepositoryName repository, String tag) {
    return jdbc.update(
            "DELETE FROM registry_tag WHERE repository = ? AND name = ?", repository.value(), tag)
        > 0;
  }

  /** Returns true when {@code repository} contains any manifest or blob. */
  public boolean repositoryExists(RepositoryName repository) {
    Integer count =
        jdbc.queryForObject(
            "SELECT (SELECT COUNT(*) FROM registry_manifest WHERE repository = ?)"
                + " + (SELECT COUNT(*) FROM registry_blob_link WHERE repository = ?)",
            Integer.class,
            repository.value(),
            repository.value());
    return count != null && count > 0;
  }

  /** Returns the names of all repositories that hold a manifest, unsorted. */
  public List<String> repositories() {
    return jdbc.queryForList("SELECT DISTINCT repository FROM registry_manifest", String.class);
  }

  // Uploads ----------------------------------------------------------------------------------

  /** Records a new upload session. */
  public void startUpload(String id, RepositoryName repository) {
    long now = clock.millis();
    jdbc.update(
        "INSERT INTO registry_upload (id, repository, started_at, updated_at) VALUES (?, ?, ?, ?)",
        id,
        repository.value(),
        now,
        now);
  }

  /** Returns the repository of upload {@code id}, if the session exists. */
  public Optional<String> uploadRepository(String id) {
    return jdbc
        .queryForList("SELECT repository FROM registry_upload WHERE id = ?", String.class, id)
        .stream()
        .findFirst();
  }

  /** Returns the chunks received for upload {@code id}, in offset order. */
  public List<UploadPart> uploadParts(String id) {
    return jdbc.query(
        "SELECT start_offset, size, sha256 FROM registry_upload_part WHERE upload_id = ?"
            + " ORDER BY start_offset",
        (row, index) -> new UploadPart(row.getLong(1), row.getLong(2), row.getString(3)),
        id);
  }

  /** Records a received chunk and refreshes the session's update time. */
  public void addUploadPart(String id, UploadPart part) {
    transactions.executeWithoutResult(
        status -> {
          jdbc.update(
              "INSERT INTO registry_upload_part (upload_id, start_offset, size, sha256)"
                  + " VALUES (?, ?, ?, ?)",
              id,
              part.startOffset(),
              part.size(),
              part.sha256Hex());
          jdbc.update("UPDATE registry_upload SET updated_at = ? WHERE id = ?", clock.millis(), id);
        });
  }

  /** Deletes an upload session and its chunk records. */
  public void deleteUpload(String id) {
    transactions.executeWithoutResult(
        status -> {
          jdbc.update("DELETE FROM registry_upload_part WHERE upload_id = ?", id);
          jdbc.update("DELETE FROM registry_upload WHERE id = ?", id);
        });
  }

  /** Returns the ids of upload sessions not updated since {@code olderThanMillis}. */
  public List<String> staleUploads(long olderThanMillis) {
    return jdbc.queryForList(
        "SELECT id FROM registry_upload WHERE updated_at < ?", String.class, olderThanMillis);
  }

  // Garbage collection -----------------------------------------------------------------------

  /** Returns every digest that some manifest references, plus every manifest's own digest. */
  public Set<String> referencedDigests() {
    List<String> children =
        jdbc.queryForList(
            "SELECT DISTINCT child_digest FROM registry_manifest_reference", String.class);
    List<String> manifests =
        jdbc.queryForList("SELECT DISTINCT digest FROM registry_manifest", String.class);
    Set<String> all = new java.util.HashSet<>(children);
    all.addAll(manifests);
    return all;
  }

  /** Returns the latest link time of {@code digest} in any repository, if linked anywhere. */
  public Optional<Long> lastLinkedAt(Digest digest) {
    Long latest =
        jdbc.queryForObject(
            "SELECT MAX(linked_at) FROM registry_blob_link WHERE digest = ?",
            Long.class,
            digest.toString());
    return Optional.ofNullable(latest);
  }

  /** Deletes every repository's link to each of {@code digests}. */
  public void unlinkEverywhere(Collection<Digest> digests) {
    for (Digest digest : digests) {
      jdbc.update("DELETE FROM registry_blob_link WHERE digest = ?", digest.toString());
    }
  }

  /**
   * Returns true when a manifest of any repository has {@code digest} as its own digest or names it
   * as a blob or child manifest. Garbage collection checks this again, under the sweep lock, before
   * it deletes {@code digest}.
   */
  public boolean isReferenced(Digest digest) {
    // NOTE: registry_manifest is keyed by (repository, digest), so this query scans it. An index on
    // its digest column would make the check cheap for registries with very many manifests.
    Integer count =
        jdbc.queryForObject(
            "SELECT (SELECT COUNT(*) FROM registry_manifest WHERE digest = ?)"
                + " + (SELECT COUNT(*) FROM registry_manifest_reference WHERE child_digest = ?)",
            Integer.class,
            digest.toString(),
            digest.toString());
    return count != null && count > 0;
  }

  /**
   * A manifest with what garbage collection needs of it: what it names and whether a tag or another
   * manifest keeps it.
   *
   * @param digest the manifest's digest
   * @param subject the digest of the manifest it refers to, or null
   * @param pushedAt when it was last pushed, in milliseconds since the epoch
   * @param tagged whether a tag of its repository points at it
   * @param references the blobs and child manifests it names
   */
  public record ManifestEntry(
      Digest digest, Digest subject, long pushedAt, boolean tagged, Set<Digest> references) {

    public ManifestEntry {
      Objects.requireNonNull(digest, "digest");
      references = Set.copyOf(references);
    }
  }

  /** Returns every manifest of {@code repository} with its references and whether it is tagged. */
  public List<ManifestEntry> manifestEntries(RepositoryName repository) {
    Map<Digest, Set<Digest>> references = new HashMap<>();
    jdbc.query(
        "SELECT manifest_digest, child_digest FROM registry_manifest_reference"
            + " WHERE repository = ?",
        (RowCallbackHandler)
            row ->
                references
                    .computeIfAbsent(Digest.parse(row.getString(1)), key -> new HashSet<>())
                    .add(Digest.parse(row.getString(2))),
        repository.value());
    return jdbc.query(
        "SELECT m.digest, m.subject_digest, m.pushed_at, EXISTS (SELECT 1 FROM registry_tag t"
            + " WHERE t.repository = m.repository AND t.digest = m.digest)"
            + " FROM registry_manifest m WHERE m.repository = ?",
        (row, index) -> {
          Digest digest = Digest.parse(row.getString(1));
          String subject = row.getString(2);
          return new ManifestEntry(
              digest,
              subject == null ? null : Digest.parse(subject),
              row.getLong(3),
              row.getBoolean(4),
              references.getOrDefault(digest, Set.of()));
        },
        repository.value());
  }

  private static final RowMapper<ManifestRecord> MANIFEST_ROW =
      (row, index) ->
          new ManifestRecord(
              Digest.parse(row.getString(1)),
              row.getString(2),
              row.getLong(3),
              row.getString(4),
              row.getString(5) == null ? null : Digest.parse(row.getString(5)),
              row.getString(6));
}
