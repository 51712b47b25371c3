package io.slipway.delta.apply;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.format.DeltaFormat;
import io.slipway.delta.format.LayerEncoding;
import io.slipway.delta.format.PayloadReader;
import io.slipway.delta.format.PayloadRecord;
import io.slipway.delta.image.Descriptor;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.image.Layer;
import io.slipway.delta.image.PlatformManifest;
import io.slipway.delta.manifest.DeltaManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a delta payload to a base image as the payload streams in, with bounded memory: the heap
 * it needs stays under 64 MiB whatever the layer sizes, because content flows through in small
 * buffers and a zstd patch holds at most one reference of {@link
 * io.slipway.delta.format.DeltaFormat#MAX_ZSTD_REFERENCE} bytes. Base layers that operations read
 * are expanded to uncompressed files in the scratch directory first (disk, not memory).
 *
 * <p>Writes only into the staging directory: never into the base. Every blob is verified (manifest
 * and config by digest, layers by blob digest and diff_id) before {@link #apply} returns; on any
 * failure it throws and deletes every file it wrote to staging. One applier per call; not
 * thread-safe.
 */
public final class DeltaApplier {

  private static final Logger LOG = LoggerFactory.getLogger(DeltaApplier.class);

  private final Path scratch;
  private final Consumer<AppliedBlob> afterLayer;

  /**
   * @param scratch a directory for expanded base layers and partial files, emptied after each call
   */
  public DeltaApplier(Path scratch) {
    this(scratch, layer -> {});
  }

  /**
   * @param scratch a directory for expanded base layers and partial files, emptied after each call
   * @param afterLayer called on the applying thread with each layer once it is verified (and,
   *     unless reused, staged), before the next one is read. The payload's own digest is checked
   *     only at its end, so at this point the layer is not yet known to come from the signed
   *     payload.
   */
  public DeltaApplier(Path scratch, Consumer<AppliedBlob> afterLayer) {
    this.scratch = Objects.requireNonNull(scratch, "scratch");
    this.afterLayer = Objects.requireNonNull(afterLayer, "afterLayer");
  }

  /**
   * Applies {@code payload} as the verified delta {@code manifest} describes it: from its source to
   * its target, and only if the payload has the size and digest the manifest states. Use this on
   * devices, after {@link io.slipway.delta.manifest.DeltaManifests#verify}. The payload's digest is
   * known only at its end, so a mismatch is detected after the blobs are staged. They are then
   * deleted, and nothing reaches the caller.
   *
   * @throws DeltaException {@code BAD_SIGNATURE} when the payload is not the one the manifest
   *     signs, {@code UNSUPPORTED_FORMAT} when the manifest names another format version, and the
   *     failures of {@link #apply(InputStream, ImageContent, Digest, Digest, Path)}
   */
  public AppliedImage apply(
      InputStream payload, ImageContent base, DeltaManifest manifest, Path staging) {
    if (manifest.formatVersion() != DeltaFormat.VERSION) {
      throw new DeltaException(
          DeltaFailure.UNSUPPORTED_FORMAT,
          "The delta manifest names format version "
              + manifest.formatVersion()
              + ", but this code reads only version "
              + DeltaFormat.VERSION
              + "; update the device agent or request a full pull");
    }
    SignedPayload checked = new SignedPayload(payload, manifest);
    AppliedImage applied = apply(checked, base, manifest.source(), manifest.target(), staging);
    try {
      checked.finish();
    } catch (IOException | RuntimeException e) {
      DeltaException failure =
          e instanceof DeltaException known
              ? known
              : new DeltaException(DeltaFailure.IO, "Reading the payload's end failed: " + e, e);
      deleteStaged(applied, failure);
      throw failure;
    }
    return applied;
  }

  private static void deleteStaged(AppliedImage applied, DeltaException failure) {
    for (AppliedBlob blob : applied.blobs()) {
      if (blob.file() == null) {
        continue;
      }
      try {
        Files.deleteIfExists(blob.file());
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * Applies {@code payload} to the base image {@code expectedSource} read from {@code base},
   * writing the target's new blobs into {@code staging}, each file named by its hex digest (a layer
   * kept uncompressed by its diff_id).
   *
   * @param expectedTarget the target manifest digest the caller asked for (from the verified delta
   *     manifest); the payload must name the same
   * @return the verified target image
   * @throws DeltaException {@code UNSUPPORTED_FORMAT}, {@code CORRUPT_PAYLOAD}, {@code
   *     TRUNCATED_PAYLOAD}, {@code WRONG_SOURCE} (the payload names another base, or the base lacks
   *     a blob or does not match its digests), {@code DIGEST_MISMATCH} (a rebuilt blob, or the
   *     payload makes another target than {@code expectedTarget}), {@code INVALID_IMAGE} (the
   *     target manifest or config does not parse), {@code IO}
   */
  public AppliedImage apply(
      InputStream payload,
      ImageContent base,
      Digest expectedSource,
      Digest expectedTarget,
      Path staging) {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(expectedSource, "expectedSource");
    Objects.requireNonNull(expectedTarget, "expectedTarget");
    Staging staged;
    try {
      Files.createDirectories(scratch);
      staged = new Staging(staging);
    } catch (IOException e) {
      throw new DeltaException(
          DeltaFailure.IO, "Creating the staging or scratch directory failed: " + e, e);
    }

    try (PayloadReader reader = new PayloadReader(payload)) {
      AppliedImage applied = new Run(reader, base, expectedSource, expectedTarget, staged).apply();
      LOG.info(
          "Applied delta from {} to {}: {} payload bytes, {} blobs",
          expectedSource,
          expectedTarget,
          applied.payloadBytes(),
          applied.blobs().size());
      return applied;
    } catch (IOException e) {
      DeltaException failure =
          new DeltaException(DeltaFailure.IO, "Applying the delta failed: " + e, e);
      staged.discard(failure);
      throw failure;
    } catch (RuntimeException | Error e) {
      // An Error such as OutOfMemoryError still leaves nothing staged behind.
      staged.discard(e);
      throw e;
    }
  }

  /** One apply: the payload, the base and the blobs verified so far. */
  private final class Run {

    private final PayloadReader reader;
    private final ImageContent base;
    private final Digest expectedSource;
    private final Digest expectedTarget;
    private final Staging staging;
    private final List<AppliedBlob> blobs = new ArrayList<>();

    Run(
        PayloadReader reader,
        ImageContent base,
        Digest expectedSource,
        Digest expectedTarget,
        Staging staging) {
      this.reader = reader;
      this.base = base;
      this.expectedSource = expectedSource;
      this.expectedTarget = expectedTarget;
      this.staging = staging;
    }

    AppliedImage apply() throws IOException {
      PayloadRecord.Header header = (PayloadRecord.Header) reader.next();
      checkHeader(header);
      Image baseImage = readBase();

      try (BaseLayers layers = BaseLayers.open(header.sourceLayers(), baseImage, base, scratch)) {
        PlatformManifest manifest = stageManifest();
        Image target = ImageReader.withConfig(manifest, stageConfig(manifest));
        ExpansionBudget budget =
            ExpansionBudget.forLayers(
                target.layers().stream().mapToLong(layer -> layer.blob().size()).sum());
        ContentOperations operations = new ContentOperations(reader, layers, scratch, budget);
        for (int i = 0; i < target.layers().size(); i++) {
          AppliedBlob layer = applyLayer(target.layers().get(i), baseImage, operations);
          blobs.add(layer);
          afterLayer.accept(layer);
        }
      }

      PayloadRecord end = reader.next();
      if (!(end instanceof PayloadRecord.End)) {
        throw corrupt("it has more blobs than the target manifest " + expectedTarget + " lists");
      }
      return new AppliedImage(expectedSource, expectedTarget, blobs, reader.bytesRead());
    }

    private void checkHeader(PayloadRecord.Header header) {
      if (!header.sourceManifest().equals(expectedSource)) {
        throw new DeltaException(
            DeltaFailure.WRONG_SOURCE,
            "The delta was made from "
                + header.sourceManifest()
                + ", but the base image is "
                + expectedSource
                + "; request a delta from the image the device runs");
      }
      if (!header.targetManifest().equals(expectedTarget)) {
        throw new DeltaException(
            DeltaFailure.DIGEST_MISMATCH,
            "The delta makes "
                + header.targetManifest()
                + ", but "
                + expectedTarget
                + " was requested; download the delta for that target");
      }
    }

    private Image readBase() {
      try {
        return ImageReader.read(base, expectedSource);
      } catch (DeltaException e) {
        if (e.failure() == DeltaFailure.IO) {
          throw e;
        }
        throw new DeltaException(
            DeltaFailure.WRONG_SOURCE,
            "The base image " + expectedSource + " is not usable: " + e.getMessage(),
            e);
      }
    }

    private PlatformManifest stageManifest() throws IOException {
      Descriptor descriptor = expectBlob("the target manifest");
      if (!descriptor.digest().equals(expectedTarget)) {
        throw new DeltaException(
            DeltaFailure.DIGEST_MISMATCH,
            "The payload's manifest is "
                + descriptor.digest()
                + ", but "
                + expectedTarget
                + " was requested; download the delta for that target");
      }
      byte[] bytes = stageSmallBlob(descriptor, ImageReader.MAX_MANIFEST_BYTES);
      blobs.add(
          new AppliedBlob(AppliedBlob.Kind.MANIFEST, descriptor.digest(), null, file(descriptor)));
      return ImageReader.parseManifest(descriptor.digest(), bytes);
    }

    private byte[] stageConfig(PlatformManifest manifest) throws IOException {
      Descriptor descriptor = expectBlob("the target config");
      if (!descriptor.equals(manifest.config())) {
        throw corrupt(
            "its config record "
                + descriptor
                + " differs from the manifest's "
                + manifest.config());
      }
      byte[] bytes = stageSmallBlob(descriptor, ImageReader.MAX_CONFIG_BYTES);
      blobs.add(
          new AppliedBlob(AppliedBlob.Kind.CONFIG, descriptor.digest(), null, file(descriptor)));
      return bytes;
    }

    private Descriptor expectBlob(String what) {
      PayloadRecord record = reader.next();
      if (record instanceof PayloadRecord.Blob blob) {
        return blob.descriptor();
      }
      throw corrupt("it gives " + what + " as " + record + " rather than a whole blob");
    }

    private byte[] stageSmallBlob(Descriptor descriptor, int maxBytes) throws IOException {
      if (descriptor.size() > maxBytes) {
        throw new DeltaException(
            DeltaFailure.INVALID_IMAGE,
            "Blob "
                + descriptor.digest()
                + " of "
                + descriptor.size()
                + " bytes exceeds "
                + maxBytes);
      }
      // One array of the declared size: reading in chunks would hold the blob twice at its end.
      byte[] bytes = new byte[(int) descriptor.size()];
      int read = reader.content().readNBytes(bytes, 0, bytes.length);
      Digest actual = Digest.of(bytes);
      if (read != bytes.length || !actual.equals(descriptor.digest())) {
        throw new DeltaException(
            DeltaFailure.DIGEST_MISMATCH,
            "The payload's blob "
                + descriptor.digest()
                + " hashes to "
                + actual
                + "; download it again");
      }
      Path partial = staging.partial(actual.hex());
      Files.write(partial, bytes);
      staging.commit(partial, actual.hex());
      return bytes;
    }

    private Path file(Descriptor descriptor) {
      return staging.fileOf(descriptor.digest().hex());
    }

    private AppliedBlob applyLayer(Layer layer, Image baseImage, ContentOperations operations)
        throws IOException {
      PayloadRecord record = reader.next();
      if (record instanceof PayloadRecord.Reuse reuse) {
        checkDescriptor(reuse.descriptor(), layer);
        checkReusable(layer, baseImage);
        return new AppliedBlob(
            AppliedBlob.Kind.LAYER_REUSED, layer.blob().digest(), layer.diffId(), null);
      }
      if (record instanceof PayloadRecord.Blob blob) {
        checkDescriptor(blob.descriptor(), layer);
        Path file = WholeLayers.stage(reader.content(), layer, staging);
        return new AppliedBlob(
            AppliedBlob.Kind.LAYER_EXACT, layer.blob().digest(), layer.diffId(), file);
      }
      if (record instanceof PayloadRecord.BeginLayer begin) {
        checkDescriptor(begin.blob(), layer);
        if (!begin.diffId().equals(layer.diffId())) {
          throw corrupt(
              "layer "
                  + layer.blob().digest()
                  + " has diff_id "
                  + begin.diffId()
                  + ", but the config lists "
                  + layer.diffId());
        }
        return rebuildLayer(begin, layer, operations);
      }
      throw corrupt("it gives layer " + layer.blob().digest() + " as " + record);
    }

    private void checkDescriptor(Descriptor descriptor, Layer layer) {
      if (!descriptor.equals(layer.blob())) {
        throw corrupt(
            "its layer record " + descriptor + " differs from the manifest's " + layer.blob());
      }
    }

    private void checkReusable(Layer layer, Image baseImage) throws IOException {
      boolean listed =
          baseImage.layers().stream()
              .anyMatch(
                  candidate ->
                      candidate.blob().digest().equals(layer.blob().digest())
                          && candidate.diffId().equals(layer.diffId()));
      if (!listed) {
        throw new DeltaException(
            DeltaFailure.WRONG_SOURCE,
            "The delta reuses layer "
                + layer.blob().digest()
                + ", which the base image "
                + expectedSource
                + " does not list; fetch the target image in full");
      }
      // Opening proves the content is there; it was verified when it was stored. The base may hold
      // the uncompressed tar in place of the blob, when an earlier delta kept it that way.
      try (InputStream present = BaseLayers.openUncompressed(base, layer)) {
        // Nothing to read.
      } catch (NoSuchFileException e) {
        throw new DeltaException(
            DeltaFailure.WRONG_SOURCE,
            "The base image lacks the layer blob "
                + layer.blob().digest()
                + " that the delta reuses",
            e);
      }
    }

    private AppliedBlob rebuildLayer(
        PayloadRecord.BeginLayer begin, Layer layer, ContentOperations operations)
        throws IOException {
      LayerWriter writer = new LayerWriter(begin, staging);
      try {
        runOperations(writer, operations);
        Path file = writer.finish();
        AppliedBlob.Kind kind =
            begin.encoding() instanceof LayerEncoding.DiffIdOnly
                ? AppliedBlob.Kind.LAYER_UNCOMPRESSED
                : AppliedBlob.Kind.LAYER_EXACT;
        return new AppliedBlob(kind, layer.blob().digest(), layer.diffId(), file);
      } catch (IOException | RuntimeException e) {
        writer.abandon();
        throw e;
      }
    }

    private void runOperations(LayerWriter writer, ContentOperations operations)
        throws IOException {
      DeflateOutput deflate = null;
      try {
        while (true) {
          PayloadRecord record = reader.next();
          if (record instanceof PayloadRecord.EndLayer) {
            return;
          }
          if (record instanceof PayloadRecord.BeginDeflate begin) {
            deflate = new DeflateOutput(begin.recipe(), writer, operations.budget());
          } else if (record instanceof PayloadRecord.EndDeflate end) {
            DeflateOutput ending = deflate;
            deflate = null;
            ending.finish(end.compressedLength(), end.crc32());
          } else {
            operations.run(record, deflate != null ? deflate : writer);
          }
        }
      } finally {
        if (deflate != null) {
          deflate.abandon();
        }
      }
    }
  }

  private static DeltaException corrupt(String detail) {
    return new DeltaException(
        DeltaFailure.CORRUPT_PAYLOAD, "The payload is corrupt: " + detail + "; download it again");
  }
}
