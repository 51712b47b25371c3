package io.slipway.delta.recompress;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.Deflater;

/**
 * Finds the {@link DeflateRecipe} with which java.util.zip's zlib, or {@link GnuGzipDeflater},
 * rebuilds a raw deflate stream byte for byte. Stateless and thread-safe.
 *
 * <p>Level 0 is never tried: zlib sizes stored blocks by the room left in the caller's output
 * buffer, so the bytes would depend on how the applier drives the deflater rather than on the
 * recipe alone.
 */
public final class DeflateReproducer {

  /**
   * zlib's default levels first, most used first, then the strategies that change zlib's output,
   * then GNU gzip's levels, the ones Debian uses first.
   */
  private static final List<DeflateRecipe> CANDIDATES = buildCandidates();

  private DeflateReproducer() {}

  /**
   * Returns the recipes that {@link #find} tries, in order: the default strategy at levels 6, 9 and
   * 1 to 8, then {@link Deflater#FILTERED} at the levels where zlib applies it (4 to 9), then
   * {@link Deflater#HUFFMAN_ONLY}, whose output is the same at every level from 1 to 9, then the
   * GNU gzip family at levels 9, 6 and 1 to 8.
   */
  public static List<DeflateRecipe> candidates() {
    return CANDIDATES;
  }

  /**
   * Returns the first recipe of {@link #candidates()} that compresses {@code inflated} into exactly
   * {@code compressed}, or empty. Compares every byte and rejects a candidate at its first
   * difference.
   *
   * @param compressed a raw deflate stream (no zlib or gzip wrapper)
   * @param inflated what {@code compressed} inflates to
   */
  public static Optional<DeflateRecipe> find(byte[] compressed, byte[] inflated) {
    return find(compressed, inflated, null);
  }

  /**
   * Like {@link #find(byte[], byte[])}, but tries {@code preferred} first when it is not null: the
   * entries of one archive usually share one recipe.
   */
  public static Optional<DeflateRecipe> find(
      byte[] compressed, byte[] inflated, DeflateRecipe preferred) {
    Objects.requireNonNull(compressed, "compressed");
    Objects.requireNonNull(inflated, "inflated");
    if (preferred != null && reproduces(preferred, compressed, inflated)) {
      return Optional.of(preferred);
    }
    for (DeflateRecipe candidate : CANDIDATES) {
      if (!candidate.equals(preferred) && reproduces(candidate, compressed, inflated)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns true when {@code recipe} compresses {@code inflated} into exactly {@code compressed}.
   */
  public static boolean reproduces(DeflateRecipe recipe, byte[] compressed, byte[] inflated) {
    ExpectedBytes expected = new ExpectedBytes(compressed);
    try (DeflateCompressor compressor = recipe.newCompressor(expected)) {
      compressor.write(inflated, 0, inflated.length);
      compressor.finish();
      return expected.position == compressed.length;
    } catch (Mismatch mismatch) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("Comparing in memory failed", e);
    }
  }

  /**
   * Compares what a compressor writes with the expected stream, throwing at the first difference.
   */
  private static final class ExpectedBytes extends OutputStream {
    private final byte[] expected;
    private int position;

    ExpectedBytes(byte[] expected) {
      this.expected = expected;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (position + len > expected.length
          || Arrays.mismatch(b, off, off + len, expected, position, position + len) >= 0) {
        throw new Mismatch();
      }
      position += len;
    }
  }

  /** Stops a candidate at its first wrong byte; carries no stack trace because it is expected. */
  private static final class Mismatch extends IOException {
    private static final long serialVersionUID = 1L;

    Mismatch() {
      super("The candidate's output differs");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  private static List<DeflateRecipe> buildCandidates() {
    List<DeflateRecipe> candidates = new ArrayList<>();
    for (int level : new int[] {6, 9, 1, 2, 3, 4, 5, 7, 8}) {
      candidates.add(new DeflateRecipe(level, Deflater.DEFAULT_STRATEGY));
    }
    for (int level : new int[] {6, 9, 4, 5, 7, 8}) {
      candidates.add(new DeflateRecipe(level, Deflater.FILTERED));
    }
    candidates.add(new DeflateRecipe(6, Deflater.HUFFMAN_ONLY));
    for (int level : new int[] {9, 6, 1, 2, 3, 4, 5, 7, 8}) {
      candidates.add(DeflateRecipe.gnuGzip(level));
    }
    return List.copyOf(candidates);
  }
}
