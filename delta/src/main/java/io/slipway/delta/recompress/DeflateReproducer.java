package io.slipway.delta.recompress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.Deflater;

/**
 * Finds the {@link DeflateRecipe} with which java.util.zip's zlib rebuilds a raw deflate stream
 * byte for byte. Stateless and thread-safe.
 *
 * <p>Level 0 is never tried: zlib sizes stored blocks by the room left in the caller's output
 * buffer, so the bytes would depend on how the applier drives the deflater rather than on the
 * recipe alone.
 */
public final class DeflateReproducer {

  private static final int BUFFER_SIZE = 16 * 1024;

  /** Default levels first, most used first, then the strategies that change zlib's output. */
  private static final List<DeflateRecipe> CANDIDATES = buildCandidates();

  private DeflateReproducer() {}

  /**
   * Returns the recipes that {@link #find} tries, in order: the default strategy at levels 6, 9 and
   * 1 to 8, then {@link Deflater#FILTERED} at the levels where zlib applies it (4 to 9), then
   * {@link Deflater#HUFFMAN_ONLY}, whose output is the same at every level from 1 to 9.
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
    Deflater deflater = recipe.newDeflater();
    try {
      deflater.setInput(inflated);
      deflater.finish();
      return matchesOutput(deflater, compressed);
    } finally {
      deflater.end();
    }
  }

  private static boolean matchesOutput(Deflater deflater, byte[] compressed) {
    byte[] buffer = new byte[BUFFER_SIZE];
    int position = 0;
    while (!deflater.finished()) {
      int produced = deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH);
      if (position + produced > compressed.length
          || !Arrays.equals(buffer, 0, produced, compressed, position, position + produced)) {
        return false;
      }
      position += produced;
    }
    return position == compressed.length;
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
    return List.copyOf(candidates);
  }
}
