package io.slipway.delta.encode;

import io.slipway.delta.format.BsdiffPatch;
import io.slipway.delta.format.BsdiffPatch.Control;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes bsdiff patches (Colin Percival's algorithm, "Naive differences of executable code", 2003):
 * a suffix array of the reference finds long matches, each match is extended forwards and backwards
 * allowing mismatches, and the bytes between matches go as extra. Needs about 9 bytes of heap per
 * reference byte plus the target. Stateless and thread-safe.
 */
final class BsdiffEncoder {

  /** Matches shorter than this over the current alignment do not start a new control. */
  private static final int MIN_GAIN = 8;

  private BsdiffEncoder() {}

  /** Returns a patch that turns {@code reference} into {@code target}. */
  static BsdiffPatch diff(byte[] reference, byte[] target) {
    int[] suffixes = SuffixArray.of(reference);
    Matcher matcher = new Matcher(reference, target, suffixes);
    return matcher.run();
  }

  /** The state of one diff run: the classic scan over the target. */
  private static final class Matcher {
    private final byte[] old;
    private final byte[] target;
    private final int[] suffixes;
    private final List<Control> controls = new ArrayList<>();
    private final ByteArrayOutputStream diff = new ByteArrayOutputStream();
    private final ByteArrayOutputStream extra = new ByteArrayOutputStream();
    private int matchPosition;

    Matcher(byte[] old, byte[] target, int[] suffixes) {
      this.old = old;
      this.target = target;
      this.suffixes = suffixes;
    }

    BsdiffPatch run() {
      int scan = 0;
      int length = 0;
      int lastScan = 0;
      int lastPosition = 0;
      int lastOffset = 0;
      while (scan < target.length) {
        int oldScore = 0;
        int scored = scan += length;
        for (; scan < target.length; scan++) {
          length = search(scan);
          for (; scored < scan + length; scored++) {
            if (scored + lastOffset < old.length && old[scored + lastOffset] == target[scored]) {
              oldScore++;
            }
          }
          if ((length == oldScore && length != 0) || length > oldScore + MIN_GAIN) {
            break;
          }
          if (scan + lastOffset < old.length && old[scan + lastOffset] == target[scan]) {
            oldScore--;
          }
        }
        if (length != oldScore || scan == target.length) {
          int backward = emit(lastScan, lastPosition, scan, matchPosition);
          lastScan = scan - backward;
          lastPosition = matchPosition - backward;
          lastOffset = matchPosition - scan;
        }
      }
      return new BsdiffPatch(controls, diff.toByteArray(), extra.toByteArray());
    }

    /**
     * Writes the control for the stretch from the previous match ({@code lastScan} against {@code
     * lastPosition}) up to the new match at {@code scan} against {@code position}; returns how far
     * the new match was extended backwards.
     */
    private int emit(int lastScan, int lastPosition, int scan, int position) {
      int forward = forwardLength(lastScan, lastPosition, scan);
      int backward = backwardLength(lastScan, scan, position);
      if (lastScan + forward > scan - backward) {
        int overlap = (lastScan + forward) - (scan - backward);
        int split =
            overlapSplit(
                lastScan + forward - overlap,
                lastPosition + forward - overlap,
                scan - backward,
                position - backward,
                overlap);
        forward += split - overlap;
        backward -= split;
      }
      for (int i = 0; i < forward; i++) {
        diff.write(target[lastScan + i] - old[lastPosition + i]);
      }
      int insert = (scan - backward) - (lastScan + forward);
      extra.write(target, lastScan + forward, insert);
      controls.add(
          new Control(forward, insert, (long) (position - backward) - (lastPosition + forward)));
      return backward;
    }

    /**
     * Returns how many bytes of an overlap between the forward extension (target {@code
     * forwardScan} against reference {@code forwardOld}) and the backward extension keep the
     * forward alignment, choosing the split that matches the most bytes.
     */
    private int overlapSplit(
        int forwardScan, int forwardOld, int backwardScan, int backwardOld, int overlap) {
      int score = 0;
      int bestScore = 0;
      int split = 0;
      for (int i = 0; i < overlap; i++) {
        if (target[forwardScan + i] == old[forwardOld + i]) {
          score++;
        }
        if (target[backwardScan + i] == old[backwardOld + i]) {
          score--;
        }
        if (score > bestScore) {
          bestScore = score;
          split = i + 1;
        }
      }
      return split;
    }

    /** Extends the previous match forwards while at least half the bytes still match. */
    private int forwardLength(int lastScan, int lastPosition, int scan) {
      int score = 0;
      int best = 0;
      int length = 0;
      for (int i = 0; lastScan + i < scan && lastPosition + i < old.length; ) {
        if (old[lastPosition + i] == target[lastScan + i]) {
          score++;
        }
        i++;
        if (score * 2 - i > best * 2 - length) {
          best = score;
          length = i;
        }
      }
      return length;
    }

    /** Extends the new match backwards while at least half the bytes still match. */
    private int backwardLength(int lastScan, int scan, int position) {
      if (scan >= target.length) {
        return 0;
      }
      int score = 0;
      int best = 0;
      int length = 0;
      for (int i = 1; scan >= lastScan + i && position >= i; i++) {
        if (old[position - i] == target[scan - i]) {
          score++;
        }
        if (score * 2 - i > best * 2 - length) {
          best = score;
          length = i;
        }
      }
      return length;
    }

    /** Finds the longest match of the target from {@code scan}; sets {@link #matchPosition}. */
    private int search(int scan) {
      int low = 0;
      int high = old.length;
      while (high - low >= 2) {
        int middle = low + (high - low) / 2;
        if (compare(suffixes[middle], scan) < 0) {
          low = middle;
        } else {
          high = middle;
        }
      }
      int lowLength = matchLength(suffixes[low], scan);
      int highLength = matchLength(suffixes[high], scan);
      if (lowLength > highLength) {
        matchPosition = suffixes[low];
        return lowLength;
      }
      matchPosition = suffixes[high];
      return highLength;
    }

    private int compare(int oldStart, int scan) {
      int length = Math.min(old.length - oldStart, target.length - scan);
      int mismatch = Arrays.mismatch(old, oldStart, oldStart + length, target, scan, scan + length);
      if (mismatch < 0) {
        return 0;
      }
      return Integer.compare(old[oldStart + mismatch] & 0xff, target[scan + mismatch] & 0xff);
    }

    private int matchLength(int oldStart, int scan) {
      int mismatch = Arrays.mismatch(old, oldStart, old.length, target, scan, target.length);
      if (mismatch < 0) {
        return Math.min(old.length - oldStart, target.length - scan);
      }
      return mismatch;
    }
  }
}
