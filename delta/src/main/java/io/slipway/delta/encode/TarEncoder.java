package io.slipway.delta.encode;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.encode.BaseFiles.BaseFile;
import io.slipway.delta.format.BsdiffPatch;
import io.slipway.delta.format.DeltaFormat;
import io.slipway.delta.format.PayloadWriter;
import io.slipway.delta.format.SourceRange;
import io.slipway.delta.recompress.GzipFileEncoder;
import io.slipway.delta.recompress.ZipEncoder;
import io.slipway.delta.tar.TarEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Encodes one target tar against the base files, member by member: a header equal to the base
 * header of the same path is a copy, a header of equal length a bsdiff of it, others literal;
 * content equal to a base file's is a copy; changed content goes to the {@link
 * StandardContentEncoder} against the base file of the same path, or of the same path but for
 * version numbers; a changed zip (a jar) goes entry by entry through the {@link ZipEncoder}, and a
 * changed gzip file through its content with the {@link GzipFileEncoder}, in the writing thread.
 * Members are encoded on {@code executor} and written in target order; members of at most {@value
 * #WINDOW_BYTES} bytes are in flight at once. Not thread-safe: one layer at a time.
 */
final class TarEncoder {

  /** Members larger than this are encoded in chunks by the writing thread, never whole. */
  static final int LARGE_MEMBER = DeltaFormat.MAX_ZSTD_TARGET;

  private static final long WINDOW_BYTES = 64L * 1024 * 1024;
  private static final int READ_CHUNK = 1 << 20;

  private final BaseFiles base;
  private final StandardContentEncoder content;
  private final Executor executor;

  TarEncoder(BaseFiles base, StandardContentEncoder content, Executor executor) {
    this.base = base;
    this.content = content;
    this.executor = executor;
  }

  /** Writes operations that produce exactly the bytes of {@code target} to {@code sink}. */
  void encode(ExpandedLayer target, OperationSink sink) throws IOException {
    List<TarEntry> entries = target.index().entries();
    Deque<InFlight> window = new ArrayDeque<>();
    long windowBytes = 0;
    int next = 0;
    long cursor = 0;
    for (int i = 0; i < entries.size(); i++) {
      while (next < entries.size()
          && (window.isEmpty() || windowBytes + cost(entries.get(next)) <= WINDOW_BYTES)) {
        TarEntry entry = entries.get(next++);
        window.add(new InFlight(entry, submit(target, entry)));
        windowBytes += cost(entry);
      }
      InFlight current = window.poll();
      windowBytes -= cost(current.entry);
      cursor = literalUpTo(target, cursor, current.entry.headerOffset(), sink);
      MemberPlan plan = await(current);
      for (Operation operation : plan.operations()) {
        sink.accept(operation);
      }
      if (plan.archiveReference() != null) {
        encodeArchive(target, current.entry, plan.archiveReference(), sink);
      }
      if (current.entry.size() > LARGE_MEMBER) {
        encodeLarge(target, current.entry, sink);
      }
      cursor = current.entry.end();
    }
    literalUpTo(target, cursor, target.size(), sink);
    sink.flush();
  }

  private static long cost(TarEntry entry) {
    return entry.size() > LARGE_MEMBER ? 0 : entry.size() + entry.headerLength();
  }

  private CompletableFuture<MemberPlan> submit(ExpandedLayer target, TarEntry entry) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return encodeMember(target, entry);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        executor);
  }

  private static MemberPlan await(InFlight inFlight) throws IOException {
    try {
      return inFlight.operations.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeltaException(
          DeltaFailure.IO, "Interrupted while encoding " + inFlight.entry.path(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new DeltaException(DeltaFailure.IO, "Encoding " + inFlight.entry.path() + " failed", e);
    }
  }

  /** Writes the target bytes from {@code from} to {@code to} as literals; returns {@code to}. */
  private static long literalUpTo(ExpandedLayer target, long from, long to, OperationSink sink)
      throws IOException {
    for (long at = from; at < to; at += READ_CHUNK) {
      sink.accept(new Operation.Literal(target.read(at, Math.min(READ_CHUNK, to - at))));
    }
    return Math.max(from, to);
  }

  /**
   * Returns the operations for the header, content and padding of {@code entry}; for a large
   * member, only those for its header, since {@link #encodeLarge} writes the rest.
   */
  private MemberPlan encodeMember(ExpandedLayer target, TarEntry entry) throws IOException {
    Optional<BaseFile> samePath = base.atPath(entry.path());
    List<Operation> operations = new ArrayList<>();
    operations.add(encodeHeader(target, entry, samePath));
    if (entry.size() == 0 || entry.size() > LARGE_MEMBER) {
      return new MemberPlan(operations, null);
    }
    Match match = matchContent(target, entry, samePath);
    if (match.identical().isPresent()) {
      BaseFile file = match.identical().get();
      operations.add(new Operation.Copy(contentRange(file)));
      operations.add(encodePadding(target, entry, file));
      return new MemberPlan(operations, null);
    }
    byte[] bytes = target.content(entry);
    Optional<BaseFile> reference = match.reference();
    if (reference.isPresent() && isArchivePair(bytes, reference.get())) {
      return new MemberPlan(operations, reference.get());
    }
    if (reference.isEmpty()) {
      operations.add(new Operation.Literal(bytes));
    } else {
      operations.addAll(encodeAgainst(reference.get(), bytes));
    }
    operations.add(new Operation.Literal(padding(target, entry)));
    return new MemberPlan(operations, null);
  }

  /**
   * Returns the manifest positions of the base layers that encoding {@code target} reads: those
   * holding a file that some member matches by path, content or version-free path.
   */
  Set<Integer> layersRead(ExpandedLayer target) throws IOException {
    Set<Integer> layers = new TreeSet<>();
    for (TarEntry entry : target.index().entries()) {
      Optional<BaseFile> samePath = base.atPath(entry.path());
      samePath.ifPresent(file -> layers.add(file.layer().manifestIndex()));
      if (entry.size() > 0) {
        Match match = matchContent(target, entry, samePath);
        match.identical().ifPresent(file -> layers.add(file.layer().manifestIndex()));
        match.reference().ifPresent(file -> layers.add(file.layer().manifestIndex()));
      }
    }
    return layers;
  }

  /**
   * Finds the base file with the same content as {@code entry}, or else the base file to encode it
   * against: the one at the same path, or at the same path but for version numbers.
   */
  private Match matchContent(ExpandedLayer target, TarEntry entry, Optional<BaseFile> samePath)
      throws IOException {
    String digest = target.contentDigest(entry);
    Optional<BaseFile> identical = identical(entry, digest, samePath);
    if (identical.isPresent()) {
      return new Match(identical, Optional.empty());
    }
    Optional<BaseFile> reference = samePath.filter(file -> file.entry().size() > 0);
    if (reference.isEmpty()) {
      reference = base.similar(entry.path(), entry.size());
    }
    return new Match(Optional.empty(), reference);
  }

  /**
   * Writes the content and padding of a zip member (a jar) entry by entry through the zip encoder,
   * directly into the payload. When the zip encoder cannot rebuild it exactly, or the sink has no
   * payload, the file is encoded as a whole.
   */
  private void encodeArchive(
      ExpandedLayer target, TarEntry entry, BaseFile reference, OperationSink sink)
      throws IOException {
    byte[] bytes = target.content(entry);
    byte[] referenceBytes = reference.layer().content(reference.entry());
    Optional<PayloadWriter> writer = sink.flushForDirectWrites();
    boolean rebuilt =
        writer.isPresent() && encodeArchive(reference, referenceBytes, bytes, writer.get());
    if (!rebuilt) {
      for (Operation operation : content.plan(contentRange(reference), referenceBytes, bytes)) {
        sink.accept(operation);
      }
    }
    sink.accept(new Operation.Literal(padding(target, entry)));
  }

  /** Rebuilds a zip entry by entry, or a gzip file through its content; false when it cannot. */
  private boolean encodeArchive(
      BaseFile reference, byte[] referenceBytes, byte[] bytes, PayloadWriter writer)
      throws IOException {
    if (isZip(bytes)) {
      return ZipEncoder.encode(contentRange(reference), referenceBytes, bytes, content, writer);
    }
    return GzipFileEncoder.encode(contentRange(reference), referenceBytes, bytes, content, writer);
  }

  /**
   * Returns true when the new file and its base are both zips (jars) or both gzip files, which are
   * encoded through their content rather than their compressed bytes.
   */
  private static boolean isArchivePair(byte[] bytes, BaseFile reference) throws IOException {
    if (reference.entry().size() < 4) {
      return false;
    }
    byte[] start = reference.layer().read(reference.entry().contentOffset(), 4);
    return (isZip(bytes) && isZip(start))
        || (GzipFileEncoder.looksLikeGzip(bytes) && GzipFileEncoder.looksLikeGzip(start));
  }

  private static boolean isZip(byte[] bytes) {
    return bytes.length >= 4
        && bytes[0] == 'P'
        && bytes[1] == 'K'
        && bytes[2] == 3
        && bytes[3] == 4;
  }

  private Optional<BaseFile> identical(TarEntry entry, String digest, Optional<BaseFile> samePath)
      throws IOException {
    if (samePath.isPresent()
        && samePath.get().entry().size() == entry.size()
        && samePath.get().layer().contentDigest(samePath.get().entry()).equals(digest)) {
      return samePath;
    }
    return base.withContent(digest);
  }

  /**
   * Encodes {@code bytes} against {@code reference}; a reference too large for a zstd patch is cut
   * to the window that lies where the target's bytes are, relative to its size.
   */
  private List<Operation> encodeAgainst(BaseFile reference, byte[] bytes) throws IOException {
    long referenceSize = reference.entry().size();
    if (referenceSize <= DeltaFormat.MAX_ZSTD_REFERENCE
        || referenceSize <= content.options().bsdiffLimit()) {
      return content.plan(
          contentRange(reference), reference.layer().content(reference.entry()), bytes);
    }
    return encodeChunk(reference, bytes, 0, bytes.length);
  }

  /**
   * Encodes the chunk at {@code offset} of a target of {@code targetSize} bytes against the window
   * of the reference at the same relative position.
   */
  private List<Operation> encodeChunk(
      BaseFile reference, byte[] chunk, long offset, long targetSize) throws IOException {
    long referenceSize = reference.entry().size();
    long windowSize = Math.min(referenceSize, DeltaFormat.MAX_ZSTD_REFERENCE);
    long center = (long) ((offset + chunk.length / 2.0) * referenceSize / Math.max(1, targetSize));
    long start = Math.max(0, Math.min(referenceSize - windowSize, center - windowSize / 2));
    long windowOffset = reference.entry().contentOffset() + start;
    SourceRange window = reference.layer().range(windowOffset, windowSize);
    byte[] windowBytes = reference.layer().read(windowOffset, windowSize);
    return content.plan(window, windowBytes, chunk);
  }

  /** Writes the content and padding of a large member chunk by chunk. */
  private void encodeLarge(ExpandedLayer target, TarEntry entry, OperationSink sink)
      throws IOException {
    Match match = matchContent(target, entry, base.atPath(entry.path()));
    if (match.identical().isPresent()) {
      sink.accept(new Operation.Copy(contentRange(match.identical().get())));
      sink.accept(encodePadding(target, entry, match.identical().get()));
      return;
    }
    Optional<BaseFile> reference = match.reference();
    int chunkSize = DeltaFormat.MAX_ZSTD_TARGET;
    for (long offset = 0; offset < entry.size(); offset += chunkSize) {
      long length = Math.min(chunkSize, entry.size() - offset);
      byte[] chunk = target.read(entry.contentOffset() + offset, length);
      if (reference.isEmpty()) {
        sink.accept(new Operation.Literal(chunk));
        continue;
      }
      for (Operation operation : encodeChunk(reference.get(), chunk, offset, entry.size())) {
        sink.accept(operation);
      }
    }
    sink.accept(new Operation.Literal(padding(target, entry)));
  }

  private Operation encodeHeader(ExpandedLayer target, TarEntry entry, Optional<BaseFile> samePath)
      throws IOException {
    byte[] header = target.header(entry);
    if (samePath.isEmpty()) {
      return new Operation.Literal(header);
    }
    BaseFile file = samePath.get();
    byte[] baseHeader = file.layer().header(file.entry());
    SourceRange range = file.layer().range(file.entry().headerOffset(), baseHeader.length);
    if (Arrays.equals(header, baseHeader)) {
      return new Operation.Copy(range);
    }
    if (header.length != baseHeader.length) {
      return new Operation.Literal(header);
    }
    byte[] difference = new byte[header.length];
    for (int i = 0; i < header.length; i++) {
      difference[i] = (byte) (header[i] - baseHeader[i]);
    }
    BsdiffPatch patch =
        new BsdiffPatch(
            List.of(new BsdiffPatch.Control(header.length, 0, 0)), difference, new byte[0]);
    return new Operation.Bsdiff(range, patch);
  }

  /** Returns a copy of the base padding when it equals the target's, else the target's bytes. */
  private Operation encodePadding(ExpandedLayer target, TarEntry entry, BaseFile file)
      throws IOException {
    byte[] padding = padding(target, entry);
    long baseStart = file.entry().contentOffset() + file.entry().size();
    if (file.entry().size() == entry.size()
        && Arrays.equals(padding, file.layer().read(baseStart, padding.length))) {
      return new Operation.Copy(file.layer().range(baseStart, padding.length));
    }
    return new Operation.Literal(padding);
  }

  private static byte[] padding(ExpandedLayer target, TarEntry entry) throws IOException {
    long start = entry.contentOffset() + entry.size();
    return target.read(start, entry.end() - start);
  }

  private static SourceRange contentRange(BaseFile file) {
    return file.layer().range(file.entry().contentOffset(), file.entry().size());
  }

  /** A base file with equal content, or else a base file to encode against; at most one is set. */
  private record Match(Optional<BaseFile> identical, Optional<BaseFile> reference) {}

  private record InFlight(TarEntry entry, CompletableFuture<MemberPlan> operations) {}

  /**
   * The operations for the start of a member, and the base archive to encode the rest against in
   * the writing thread, or null when the operations cover the whole member (or a large member's
   * header only).
   */
  private record MemberPlan(List<Operation> operations, BaseFile archiveReference) {}
}
