package io.slipway.delta.layout;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.apply.AppliedBlob;
import io.slipway.delta.apply.AppliedImage;
import io.slipway.delta.image.Descriptor;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.image.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OCI image layout directory: {@code oci-layout}, {@code index.json} and {@code
 * blobs/sha256/HEX}, as the OCI image specification (image-layout.md, version 1.0.0) defines it.
 * Images are named in the index by the {@code org.opencontainers.image.ref.name} annotation, which
 * skopeo and umoci read as the tag of {@code oci:DIR:TAG}.
 *
 * <p>Writes are durable and ordered: each blob is written to a temporary file, fsynced and renamed
 * into place before {@code index.json} is replaced the same way, so a crash leaves either the old
 * or the new index, never one that names missing blobs. Reading is thread-safe; one writer at a
 * time, across processes too, because updating the index reads, changes and replaces it.
 */
public final class OciLayout implements ImageContent {

  /** The annotation that names an image in the index. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  /**
   * The annotation on a local manifest that lists uncompressed layers in place of layers whose
   * compression a delta could not reproduce: the digest of the original, signed manifest.
   */
  public static final String SOURCE_MANIFEST = "io.slipway.delta.source-manifest";

  private static final Logger LOG = LoggerFactory.getLogger(OciLayout.class);

  /** Image names: a letter or digit, then letters, digits and . _ - : @ + /, 255 at most. */
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+/-]{0,254}");

  private final Path dir;

  /** Opens the layout at {@code dir}; nothing is read before the first call. */
  public OciLayout(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
  }

  /**
   * Creates a layout at {@code dir}, or opens the one there.
   *
   * @throws DeltaException {@code INVALID_IMAGE} when {@code dir} contains another layout version;
   *     {@code IO} when writing fails
   */
  public static OciLayout create(Path dir) {
    OciLayout layout = new OciLayout(dir);
    try {
      Files.createDirectories(layout.blobDir());
      Path marker = dir.resolve("oci-layout");
      if (Files.exists(marker)) {
        LayoutIndex.checkMarker(marker);
      } else {
        LayoutFiles.writeAtomically(marker, LayoutIndex.MARKER.getBytes(StandardCharsets.UTF_8));
      }
      if (!Files.exists(layout.indexFile())) {
        LayoutFiles.writeAtomically(layout.indexFile(), LayoutIndex.empty().toBytes());
      }
    } catch (IOException e) {
      throw io("Creating the OCI layout " + dir, e);
    }
    return layout;
  }

  /** Returns the layout's directory. */
  public Path dir() {
    return dir;
  }

  @Override
  public InputStream open(Digest digest) throws IOException {
    return Files.newInputStream(blobPath(digest));
  }

  /** Returns the blob's file when the layout contains it. */
  @Override
  public Optional<Path> localFile(Digest digest) {
    return contains(digest) ? Optional.of(blobPath(digest)) : Optional.empty();
  }

  /** Returns the path where blob {@code digest} lies or would lie. */
  public Path blobPath(Digest digest) {
    return blobDir().resolve(digest.hex());
  }

  /** Returns whether the layout contains blob {@code digest}; its content is not checked. */
  public boolean contains(Digest digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  /**
   * Returns the manifest (or index) digest that {@code refName} names; with a null {@code refName},
   * the layout's only image.
   *
   * @throws DeltaException {@code INVALID_IMAGE} when no image has that name, or a null name meets
   *     several images; {@code IO} when the index cannot be read
   */
  public Digest resolve(String refName) {
    LayoutIndex index = readIndex();
    if (refName == null) {
      return index.only(dir);
    }
    return index
        .find(refName)
        .orElseThrow(
            () ->
                new DeltaException(
                    DeltaFailure.INVALID_IMAGE,
                    "The OCI layout "
                        + dir
                        + " has no image named '"
                        + refName
                        + "'; it has "
                        + index.refNames()));
  }

  /**
   * Returns the names of the layout's images, in index order.
   *
   * @throws DeltaException {@code INVALID_IMAGE} or {@code IO} when the index cannot be read
   */
  public List<String> refNames() {
    return readIndex().refNames();
  }

  /**
   * Removes the names of images that {@code keep} does not list from the index, in one atomic
   * replacement of {@code index.json}. Blobs stay: the caller deletes those that no remaining image
   * needs, after this returns, so a crash never leaves a name whose blobs are gone.
   *
   * @return the names removed
   * @throws DeltaException {@code INVALID_IMAGE} or {@code IO} when the index cannot be read or
   *     written
   */
  public List<String> retain(Set<String> keep) {
    LayoutIndex index = readIndex();
    List<String> dropped = index.retain(keep);
    if (dropped.isEmpty()) {
      return dropped;
    }
    try {
      LayoutFiles.writeAtomically(indexFile(), index.toBytes());
    } catch (IOException e) {
      throw io("Writing " + indexFile(), e);
    }
    LOG.info("Removed images {} from OCI layout {}", dropped, dir);
    return dropped;
  }

  /**
   * Returns the signed manifest that {@code manifest} stands for: the digest in its {@link
   * #SOURCE_MANIFEST} annotation when it is a local manifest and the layout stores that signed
   * manifest, else {@code manifest} itself. Deltas name the signed manifest as their source, so a
   * tag that names a local manifest resolves through this to a usable base.
   *
   * @throws DeltaException {@code IO} when the manifest cannot be read
   */
  public Digest signedManifest(Digest manifest) {
    byte[] bytes;
    try (InputStream in = open(manifest)) {
      bytes = in.readNBytes(ImageReader.MAX_MANIFEST_BYTES);
    } catch (NoSuchFileException e) {
      return manifest;
    } catch (IOException e) {
      throw io("Reading manifest " + manifest + " in " + dir, e);
    }
    return LocalManifest.sourceOf(bytes).filter(this::contains).orElse(manifest);
  }

  /**
   * Copies {@code image} from {@code from} into the layout, skipping blobs it already contains, and
   * names it {@code refName}. Each copied blob is checked against its digest before it is renamed
   * into place. A Docker schema 2 image is named through a local manifest with OCI media types and
   * the {@link #SOURCE_MANIFEST} annotation, because skopeo and umoci find no image behind a Docker
   * entry of a layout. Its own manifest is stored beside it as a blob.
   *
   * @return the digest that {@code refName} now names: the image's manifest, or the local one
   * @throws DeltaException {@code DIGEST_MISMATCH} when a blob's content differs from its digest,
   *     {@code WRONG_SOURCE} when {@code from} lacks a blob, {@code IO} when copying fails
   */
  public Digest writeImage(ImageContent from, Image image, String refName) {
    checkRefName(refName);
    Descriptor named;
    try {
      Files.createDirectories(blobDir());
      for (Layer layer : image.layers()) {
        copyBlob(from, layer.blob().digest());
      }
      copyBlob(from, image.config().digest());
      copyBlob(from, image.manifestDigest());
      named =
          LocalManifest.needsOciTypes(image.manifestMediaType())
              ? storeLocalManifest(LocalManifest.of(image.manifestDigest(), image.manifest()))
              : new Descriptor(
                  image.manifestMediaType(), image.manifestDigest(), image.manifest().length);
      name(named, refName);
    } catch (IOException e) {
      throw io("Writing image " + image.manifestDigest() + " into " + dir, e);
    }
    LOG.info(
        "Wrote image {} into OCI layout {} as {} (manifest {})",
        image.manifestDigest(),
        dir,
        refName,
        named.digest());
    return named.digest();
  }

  /**
   * Moves the staged blobs of {@code applied} into the layout, copies reused layers it lacks from
   * {@code base}, and names the result {@code refName}. A reused layer that the base keeps only as
   * its uncompressed tar (from an earlier delta) is stored that way too. When a layer was kept
   * uncompressed, or the target is a Docker schema 2 image, the name points to a local manifest
   * with OCI media types that carries the {@link #SOURCE_MANIFEST} annotation. It lists each
   * uncompressed tar in its layer's place (media type {@code
   * application/vnd.oci.image.layer.v1.tar}); the config is unchanged, so its diff_ids still match.
   * Call only with a verified {@link AppliedImage}.
   *
   * @return the digest that {@code refName} now names: the target manifest, or the local one
   * @throws DeltaException {@code WRONG_SOURCE} when {@code base} lacks a reused layer, {@code
   *     DIGEST_MISMATCH} when a copied base blob differs from its digest, {@code IO} when writing
   *     fails
   */
  public Digest addImage(AppliedImage applied, ImageContent base, String refName) {
    checkRefName(refName);
    try {
      Files.createDirectories(blobDir());
      AppliedBlob manifestBlob = null;
      Set<Digest> uncompressed = new HashSet<>();
      for (AppliedBlob blob : applied.blobs()) {
        if (blob.kind() == AppliedBlob.Kind.MANIFEST) {
          manifestBlob = blob;
        }
        if (!storeBlob(blob, base)) {
          uncompressed.add(blob.digest());
        }
      }
      if (manifestBlob == null) {
        throw new IllegalArgumentException(
            "The applied image " + applied.targetManifest() + " has no manifest");
      }

      byte[] manifest = Files.readAllBytes(blobPath(applied.targetManifest()));
      String mediaType = ImageReader.parseManifest(applied.targetManifest(), manifest).mediaType();
      Descriptor named =
          !uncompressed.isEmpty() || LocalManifest.needsOciTypes(mediaType)
              ? writeLocalManifest(applied, manifest, uncompressed)
              : new Descriptor(mediaType, applied.targetManifest(), manifest.length);
      name(named, refName);
      LOG.info(
          "Added image {} into OCI layout {} as {} (manifest {})",
          applied.targetManifest(),
          dir,
          refName,
          named.digest());
      return named.digest();
    } catch (IOException e) {
      throw io("Adding image " + applied.targetManifest() + " into " + dir, e);
    }
  }

  /**
   * Stores one blob of an applied image. Returns false when the layout keeps the layer's
   * uncompressed tar in its place, and true when the blob is stored as its manifest lists it.
   */
  private boolean storeBlob(AppliedBlob blob, ImageContent base) throws IOException {
    if (blob.kind() == AppliedBlob.Kind.LAYER_REUSED) {
      return storeReused(blob, base);
    }
    if (blob.kind() == AppliedBlob.Kind.LAYER_UNCOMPRESSED) {
      LayoutFiles.moveDurably(blob.file(), blobPath(blob.diffId()));
      return false;
    }
    LayoutFiles.moveDurably(blob.file(), blobPath(blob.digest()));
    return true;
  }

  /**
   * Stores a reused layer: its blob, or else the uncompressed tar that an earlier delta left in the
   * base in its place.
   */
  private boolean storeReused(AppliedBlob blob, ImageContent base) throws IOException {
    if (contains(blob.digest())) {
      return true;
    }
    if (!contains(blob.diffId()) && copyIfPresent(base, blob.digest())) {
      return true;
    }
    if (contains(blob.diffId()) || copyIfPresent(base, blob.diffId())) {
      return false;
    }
    throw new DeltaException(
        DeltaFailure.WRONG_SOURCE,
        "The base lacks reused layer "
            + blob.digest()
            + " and its uncompressed tar "
            + blob.diffId());
  }

  private boolean copyIfPresent(ImageContent from, Digest digest) throws IOException {
    try (InputStream probe = from.open(digest)) {
      // Present: copy it below.
    } catch (NoSuchFileException e) {
      return false;
    }
    copyBlob(from, digest);
    return true;
  }

  private Descriptor writeLocalManifest(
      AppliedImage applied, byte[] manifest, Set<Digest> uncompressed) throws IOException {
    List<AppliedBlob> layers = new ArrayList<>();
    for (AppliedBlob blob : applied.blobs()) {
      if (blob.kind() != AppliedBlob.Kind.MANIFEST && blob.kind() != AppliedBlob.Kind.CONFIG) {
        layers.add(blob);
      }
    }
    LocalManifest local = LocalManifest.of(applied.targetManifest(), manifest);
    for (int i = 0; i < layers.size(); i++) {
      AppliedBlob layer = layers.get(i);
      if (uncompressed.contains(layer.digest())) {
        local.replaceLayer(i, layer.diffId(), Files.size(blobPath(layer.diffId())));
      }
    }
    return storeLocalManifest(local);
  }

  private Descriptor storeLocalManifest(LocalManifest local) throws IOException {
    byte[] bytes = local.toBytes();
    Digest digest = Digest.of(bytes);
    LayoutFiles.writeAtomically(blobPath(digest), bytes);
    return new Descriptor(local.mediaType(), digest, bytes.length);
  }

  private void copyBlob(ImageContent from, Digest digest) throws IOException {
    if (contains(digest)) {
      return;
    }
    MessageDigest sha256 = Digest.newSha256();
    Path target = blobPath(digest);
    Path temp = Files.createTempFile(blobDir(), "." + digest.hex(), ".tmp");
    try {
      try (InputStream in = new DigestInputStream(from.open(digest), sha256);
          OutputStream out = Files.newOutputStream(temp)) {
        in.transferTo(out);
      } catch (NoSuchFileException e) {
        throw new DeltaException(
            DeltaFailure.WRONG_SOURCE, "The image content lacks blob " + digest + " to copy", e);
      }
      Digest actual = Digest.fromHash(sha256.digest());
      if (!actual.equals(digest)) {
        throw new DeltaException(
            DeltaFailure.DIGEST_MISMATCH,
            "Blob " + digest + " hashes to " + actual + "; its source is damaged");
      }
      LayoutFiles.moveDurably(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private void name(Descriptor manifest, String refName) throws IOException {
    LayoutIndex index = readIndex();
    index.name(manifest, refName);
    LayoutFiles.writeAtomically(indexFile(), index.toBytes());
  }

  private LayoutIndex readIndex() {
    try {
      return LayoutIndex.parse(Files.readAllBytes(indexFile()), indexFile());
    } catch (NoSuchFileException e) {
      throw new DeltaException(
          DeltaFailure.INVALID_IMAGE, dir + " is not an OCI image layout: it has no index.json", e);
    } catch (IOException e) {
      throw io("Reading " + indexFile(), e);
    }
  }

  /**
   * Returns whether {@code refName} may name an image in the index: 1 to 255 letters, digits and
   * {@code . _ - : @ + /}, starting with a letter or digit. Callers check a name before any work.
   */
  public static boolean isValidRefName(String refName) {
    return refName != null && REF.matcher(refName).matches();
  }

  private static void checkRefName(String refName) {
    if (!isValidRefName(refName)) {
      throw new IllegalArgumentException(
          "Image name '"
              + refName
              + "' is invalid: use 1 to 255 letters, digits and . _ - : @ + /, starting with a"
              + " letter or digit");
    }
  }

  private Path blobDir() {
    return dir.resolve("blobs").resolve("sha256");
  }

  private Path indexFile() {
    return dir.resolve("index.json");
  }

  private static DeltaException io(String what, IOException e) {
    return new DeltaException(DeltaFailure.IO, what + " failed: " + e, e);
  }
}
