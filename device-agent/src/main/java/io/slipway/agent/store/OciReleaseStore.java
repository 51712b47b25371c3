package io.slipway.agent.store;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.AtomicFiles;
import io.slipway.delta.DeltaException;
import io.slipway.delta.image.Digest;
import io.slipway.delta.layout.OciLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ReleaseStore} of a data directory: images in the OCI layout {@code DATA/images}, the
 * current release in {@code DATA/current-release.json}, partial downloads and delta work in {@code
 * DATA/scratch}.
 *
 * <p>Kill safety: blobs and {@code index.json} are written durably by {@link OciLayout}, and the
 * release file is replaced through {@link AtomicFiles}. {@link #commit} checks that every blob of
 * every image of the new release is present before it replaces the file, so the file never names an
 * incomplete image. {@link #collectGarbage} first removes image names from the index, then the
 * blobs no remaining image needs, so a crash in between leaves only unused blobs, which the next
 * run removes.
 *
 * <p>Not thread-safe: one agent thread uses it at a time.
 */
public final class OciReleaseStore implements ReleaseStore {

  /**
   * How long a partial download in {@code scratch/downloads} is kept for a resume. Older ones are
   * deleted by {@link #collectGarbage}, because their image was most likely never installed.
   */
  public static final Duration PARTIAL_DOWNLOAD_AGE = Duration.ofDays(1);

  private static final Logger LOG = LoggerFactory.getLogger(OciReleaseStore.class);

  private final Path dataDir;
  private final OciLayout layout;
  private final ReleaseFile releaseFile;
  private final Path scratch;
  private final Clock clock;

  private OciReleaseStore(Path dataDir, OciLayout layout, Clock clock) {
    this.dataDir = dataDir;
    this.layout = layout;
    this.releaseFile = new ReleaseFile(dataDir.resolve("current-release.json"), clock);
    this.scratch = dataDir.resolve("scratch");
    this.clock = clock;
  }

  /**
   * Opens the store in {@code dataDir}, creating the layout and scratch directory when missing and
   * deleting temporary files that an interrupted write of the release file left.
   *
   * @throws AgentException {@code STORE_FAILED} when the directories cannot be created or the
   *     layout is of another version
   */
  public static OciReleaseStore open(Path dataDir) {
    return open(dataDir, Clock.systemUTC());
  }

  /** Opens the store as {@link #open(Path)} does, with {@code clock} for the age of downloads. */
  public static OciReleaseStore open(Path dataDir, Clock clock) {
    Objects.requireNonNull(dataDir, "dataDir");
    try {
      Files.createDirectories(dataDir.resolve("scratch").resolve("downloads"));
      AtomicFiles.deleteTemporaryFiles(dataDir);
      return new OciReleaseStore(dataDir, OciLayout.create(dataDir.resolve("images")), clock);
    } catch (IOException | DeltaException e) {
      throw new AgentException(
          AgentFailure.STORE_FAILED, "Opening the store in " + dataDir + " failed: " + e, e);
    }
  }

  /** Returns the name an image has in the layout: {@code sha256-HEX} of its signed manifest. */
  public static String refName(Digest manifest) {
    return "sha256-" + manifest.hex();
  }

  @Override
  public Optional<InstalledRelease> current() {
    return releaseFile.read();
  }

  @Override
  public OciLayout layout() {
    return layout;
  }

  @Override
  public Path scratch() {
    return scratch;
  }

  /** Returns the directory for partial downloads, which survive restarts for a resume. */
  public Path downloads() {
    return scratch.resolve("downloads");
  }

  /**
   * Returns whether the layout contains the image {@code manifest} under {@link #refName}, with
   * every blob it needs present.
   */
  public boolean contains(Digest manifest) {
    return missingBlob(refName(manifest), manifest).isEmpty();
  }

  @Override
  public void commit(InstalledRelease release) {
    for (InstalledService service : release.services().values()) {
      missingBlob(service.refName(), service.manifest())
          .ifPresent(
              problem -> {
                throw new AgentException(
                    AgentFailure.STORE_FAILED,
                    "Release "
                        + release.releaseId()
                        + " cannot become current: service "
                        + service.name()
                        + " "
                        + problem);
              });
    }
    releaseFile.write(release);
    LOG.info(
        "Release {} (version {}, sequence {}) is now current",
        release.releaseId(),
        release.version(),
        release.sequence());
  }

  /**
   * Returns what is wrong with the image named {@code refName}, which must stand for the signed
   * manifest {@code manifest}, or empty when it is complete.
   */
  private Optional<String> missingBlob(String refName, Digest manifest) {
    Digest named;
    try {
      named = layout.resolve(refName);
    } catch (DeltaException e) {
      return Optional.of("has no image named " + refName + " in " + layout.dir());
    }
    if (!layout.signedManifest(named).equals(manifest)) {
      return Optional.of("image " + refName + " is not manifest " + manifest);
    }
    try {
      for (Digest blob : ImageBlobs.of(layout, named)) {
        if (!layout.contains(blob)) {
          return Optional.of("image " + manifest + " lacks blob " + blob);
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      return Optional.of("image " + manifest + " cannot be read: " + e.getMessage());
    }
    return Optional.empty();
  }

  @Override
  public void collectGarbage(Optional<InstalledRelease> keep) {
    Set<String> names = new HashSet<>();
    current().ifPresent(release -> names.addAll(refNames(release)));
    keep.ifPresent(release -> names.addAll(refNames(release)));
    try {
      layout.retain(names);
      int blobs = deleteUnusedBlobs(names);
      int files = cleanScratch();
      LOG.info(
          "Collected garbage in {}: kept {} images, deleted {} blobs and {} scratch files",
          dataDir,
          names.size(),
          blobs,
          files);
    } catch (IOException | UncheckedIOException | DeltaException e) {
      throw new AgentException(
          AgentFailure.STORE_FAILED, "Collecting garbage in " + dataDir + " failed: " + e, e);
    }
  }

  private static Set<String> refNames(InstalledRelease release) {
    Set<String> names = new HashSet<>();
    release.services().values().forEach(service -> names.add(service.refName()));
    return names;
  }

  private int deleteUnusedBlobs(Set<String> names) throws IOException {
    Set<Digest> used = new HashSet<>();
    for (String name : names) {
      try {
        used.addAll(ImageBlobs.of(layout, layout.resolve(name)));
      } catch (DeltaException | IllegalArgumentException | IOException e) {
        // A kept name that is absent or unreadable needs nothing, and commit rejects such an image.
        LOG.warn(
            "Image {} in {} cannot be read, so none of its blobs are kept: {}",
            name,
            layout.dir(),
            e.toString());
      }
    }
    Path blobDir = layout.dir().resolve("blobs").resolve("sha256");
    int deleted = 0;
    try (DirectoryStream<Path> blobs = Files.newDirectoryStream(blobDir)) {
      for (Path blob : blobs) {
        if (!isUsed(blob, used) && Files.deleteIfExists(blob)) {
          deleted++;
        }
      }
    }
    AtomicFiles.forceDirectory(blobDir);
    return deleted;
  }

  private static boolean isUsed(Path blob, Set<Digest> used) {
    String name = blob.getFileName().toString();
    return name.matches("[0-9a-f]{64}") && used.contains(Digest.of("sha256:" + name));
  }

  /**
   * Deletes delta work and partial downloads older than {@link #PARTIAL_DOWNLOAD_AGE}; younger
   * partial downloads stay so that the next attempt resumes them.
   */
  private int cleanScratch() throws IOException {
    Path downloads = downloads();
    Instant oldest = clock.instant().minus(PARTIAL_DOWNLOAD_AGE);
    int[] deleted = {0};
    Files.walkFileTree(
        scratch,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            boolean fresh =
                file.getParent().equals(downloads)
                    && attributes.lastModifiedTime().toInstant().isAfter(oldest);
            if (!fresh && Files.deleteIfExists(file)) {
              deleted[0]++;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException failure)
              throws IOException {
            if (!dir.equals(scratch) && !dir.equals(downloads)) {
              Files.deleteIfExists(dir);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return deleted[0];
  }
}
