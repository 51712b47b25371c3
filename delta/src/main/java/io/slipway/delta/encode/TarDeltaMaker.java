package io.slipway.delta.encode;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.format.LayerEncoding;
import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.SourceLayer;
import io.slipway.delta.image.Compression;
import io.slipway.delta.image.Descriptor;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.image.Layer;
import io.slipway.delta.recompress.GzipReproducer;
import io.slipway.delta.recompress.ZstdReproducer;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard {@link DeltaMaker}: reuses the layers the base holds; expands every base layer and
 * each new target layer into the scratch directory; indexes the base files of all layers; and
 * encodes each new layer with a {@link TarEncoder}. Thread-safe: each call has its own scratch
 * directory and thread pool.
 */
final class TarDeltaMaker implements DeltaMaker {

  private static final Logger LOG = LoggerFactory.getLogger(TarDeltaMaker.class);

  private final EncodingOptions options;

  TarDeltaMaker(EncodingOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public DeltaSummary make(
      ImageContent source,
      Digest sourceManifest,
      ImageContent target,
      Digest targetManifest,
      OutputStream payload,
      Path scratch) {
    Image base = ImageReader.read(source, sourceManifest);
    Image next = ImageReader.read(target, targetManifest);
    Path work = null;
    ExecutorService executor = newExecutor();
    try {
      Files.createDirectories(scratch);
      work = Files.createTempDirectory(scratch, "delta-");
      CountingOutputStream counted = new CountingOutputStream(payload);
      DeltaSummary summary = write(base, source, next, target, counted, work, executor);
      LOG.info(
          "Made delta {} -> {}: {} bytes against a full pull of {} bytes ({} layers reused, {}"
              + " encoded, {} kept uncompressed)",
          sourceManifest,
          targetManifest,
          summary.payloadSize(),
          summary.targetSize(),
          summary.reusedLayers(),
          summary.encodedLayers(),
          summary.diffIdOnlyLayers());
      return summary;
    } catch (IOException e) {
      throw new DeltaException(
          DeltaFailure.IO,
          "Making the delta " + sourceManifest + " -> " + targetManifest + " failed: " + e,
          e);
    } finally {
      executor.shutdownNow();
      deleteQuietly(work);
    }
  }

  private DeltaSummary write(
      Image base,
      ImageContent source,
      Image next,
      ImageContent target,
      CountingOutputStream payload,
      Path work,
      ExecutorService executor)
      throws IOException {
    Set<Digest> baseBlobs = new HashSet<>();
    base.layers().forEach(layer -> baseBlobs.add(layer.blob().digest()));
    boolean anyNew =
        next.layers().stream().anyMatch(layer -> !baseBlobs.contains(layer.blob().digest()));
    List<ExpandedLayer> expanded = anyNew ? expandBase(base, source, work) : List.of();
    Map<Integer, PreparedLayer> prepared = new HashMap<>();
    try {
      for (int i = 0; i < next.layers().size(); i++) {
        Layer layer = next.layers().get(i);
        if (!baseBlobs.contains(layer.blob().digest())) {
          prepared.put(i, prepare(layer, target, work.resolve("target-" + i)));
        }
      }
      BaseFiles files = BaseFiles.index(expanded);
      TarEncoder encoder = new TarEncoder(files, new StandardContentEncoder(options), executor);
      List<ExpandedLayer> listed = listLayersRead(expanded, prepared.values(), encoder);
      return writePayload(base, next, payload, listed, prepared, baseBlobs, encoder);
    } finally {
      for (PreparedLayer layer : prepared.values()) {
        layer.tar().close();
      }
      for (ExpandedLayer layer : expanded) {
        layer.close();
      }
    }
  }

  private DeltaSummary writePayload(
      Image base,
      Image next,
      CountingOutputStream payload,
      List<ExpandedLayer> listed,
      Map<Integer, PreparedLayer> prepared,
      Set<Digest> baseBlobs,
      TarEncoder encoder)
      throws IOException {
    Counts counts = new Counts();
    try (PayloadWriter writer = new PayloadWriter(payload, options.payloadLevel())) {
      writer.header(base.manifestDigest(), next.manifestDigest(), sourceLayers(base, listed));
      writer.blob(
          new Descriptor(next.manifestMediaType(), next.manifestDigest(), next.manifest().length),
          new ByteArrayInputStream(next.manifest()));
      writer.blob(next.config(), new ByteArrayInputStream(next.configBytes()));
      for (int i = 0; i < next.layers().size(); i++) {
        Layer layer = next.layers().get(i);
        if (baseBlobs.contains(layer.blob().digest())) {
          writer.reuse(layer.blob());
          counts.reused++;
          continue;
        }
        encodeLayer(prepared.get(i), encoder, writer, counts);
      }
      writer.finish();
    }
    long targetSize = next.manifest().length + next.config().size() + counts.newBytes;
    return new DeltaSummary(
        base.manifestDigest(),
        next.manifestDigest(),
        payload.count,
        targetSize,
        counts.reused,
        counts.encoded,
        counts.diffIdOnly);
  }

  /**
   * Returns the base layers that encoding reads, in manifest order, and gives them their positions
   * in the payload header. The other layers get no position, so the applier need not expand them.
   */
  private static List<ExpandedLayer> listLayersRead(
      List<ExpandedLayer> expanded, Collection<PreparedLayer> targets, TarEncoder encoder)
      throws IOException {
    Set<Integer> read = new HashSet<>();
    for (PreparedLayer target : targets) {
      read.addAll(encoder.layersRead(target.tar()));
    }
    List<ExpandedLayer> listed = new ArrayList<>();
    for (ExpandedLayer layer : expanded) {
      if (read.contains(layer.manifestIndex())) {
        layer.assignPosition(listed.size());
        listed.add(layer);
      } else {
        layer.assignPosition(-1);
      }
    }
    return listed;
  }

  private List<ExpandedLayer> expandBase(Image base, ImageContent source, Path work)
      throws IOException {
    List<ExpandedLayer> expanded = new ArrayList<>();
    try {
      for (int i = 0; i < base.layers().size(); i++) {
        Path file = work.resolve("base-" + i + ".tar");
        LayerExpander.expand(source, base.layers().get(i), null, file);
        expanded.add(ExpandedLayer.open(i, file));
      }
      return expanded;
    } catch (IOException | RuntimeException e) {
      for (ExpandedLayer layer : expanded) {
        layer.close();
      }
      throw e;
    }
  }

  /** Returns the header's source layer list: the base layers that encoding reads. */
  private static List<SourceLayer> sourceLayers(Image base, List<ExpandedLayer> listed) {
    List<SourceLayer> layers = new ArrayList<>();
    for (ExpandedLayer layer : listed) {
      Layer baseLayer = base.layers().get(layer.manifestIndex());
      layers.add(new SourceLayer(baseLayer.blob().digest(), baseLayer.diffId(), layer.size()));
    }
    return layers;
  }

  /**
   * Expands a new target layer into scratch files and finds how the applier rebuilds its blob.
   * Deletes the files it made before returning; the open tar stays readable until closed.
   */
  private static PreparedLayer prepare(Layer layer, ImageContent target, Path prefix)
      throws IOException {
    Path blob = null;
    Path tar = prefix.resolveSibling(prefix.getFileName() + ".tar");
    try {
      if (layer.compression() != Compression.NONE) {
        blob = prefix.resolveSibling(prefix.getFileName() + ".blob");
        LayerExpander.copyBlob(target, layer, blob);
      }
      LayerExpander.expand(target, layer, blob, tar);
      LayerEncoding encoding = encodingOf(layer, blob);
      return new PreparedLayer(layer, ExpandedLayer.open(-1, tar), encoding);
    } finally {
      if (blob != null) {
        Files.deleteIfExists(blob);
      }
    }
  }

  private static void encodeLayer(
      PreparedLayer prepared, TarEncoder encoder, PayloadWriter writer, Counts counts)
      throws IOException {
    Layer layer = prepared.layer();
    writer.beginLayer(layer.blob(), layer.diffId(), prepared.tar().size(), prepared.encoding());
    encoder.encode(prepared.tar(), new OperationSink(writer));
    writer.endLayer();
    counts.encoded++;
    counts.newBytes += layer.blob().size();
    if (prepared.encoding() instanceof LayerEncoding.DiffIdOnly) {
      counts.diffIdOnly++;
    }
  }

  /** Returns how the applier rebuilds the compressed blob, or DiffIdOnly when it cannot. */
  private static LayerEncoding encodingOf(Layer layer, Path blob) throws IOException {
    Optional<LayerEncoding> exact =
        switch (layer.compression()) {
          case NONE -> Optional.of(new LayerEncoding.Plain());
          case GZIP -> GzipReproducer.find(blob).map(LayerEncoding.Gzip::new);
          case ZSTD -> ZstdReproducer.find(blob).map(LayerEncoding.Zstd::new);
        };
    if (exact.isEmpty()) {
      LOG.info(
          "No recipe reproduces the {} layer {}; the delta rebuilds its uncompressed tar, verified"
              + " by diff_id {}",
          layer.compression(),
          layer.blob().digest(),
          layer.diffId());
    }
    return exact.orElseGet(() -> new LayerEncoding.DiffIdOnly(layer.compression()));
  }

  private ExecutorService newExecutor() {
    AtomicInteger number = new AtomicInteger();
    return Executors.newFixedThreadPool(
        options.threads(),
        task -> {
          Thread thread = new Thread(task, "delta-encoder-" + number.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  private static void deleteQuietly(Path directory) {
    if (directory == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(TarDeltaMaker::deleteFile);
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Could not delete the scratch directory {}: {}", directory, e.toString());
    }
  }

  private static void deleteFile(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new target layer, expanded, with the encoding that rebuilds its blob. */
  private record PreparedLayer(Layer layer, ExpandedLayer tar, LayerEncoding encoding) {}

  /** Layer counts and sizes for the summary of {@link #writePayload}. */
  private static final class Counts {
    int reused;
    int encoded;
    int diffIdOnly;
    long newBytes;
  }

  /** Counts the bytes written through it; does not close the underlying stream. */
  private static final class CountingOutputStream extends FilterOutputStream {
    long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
