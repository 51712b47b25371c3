package io.slipway.delta.encode;

import java.util.Arrays;

/**
 * Builds suffix arrays with SA-IS (Nong, Zhang and Chan, "Two Efficient Algorithms for Linear Time
 * Suffix Array Construction", 2011): linear time, about 9 bytes of heap per input byte at the top
 * level. Stateless and thread-safe.
 */
final class SuffixArray {

  private SuffixArray() {}

  /**
   * Returns the suffix array of {@code text} with the empty suffix included: entry 0 is {@code
   * text.length} and the other {@code text.length} entries are the start offsets of the non-empty
   * suffixes in lexicographic order of unsigned bytes.
   */
  static int[] of(byte[] text) {
    int n = text.length + 1;
    int[] symbols = new int[n];
    for (int i = 0; i < text.length; i++) {
      symbols[i] = (text[i] & 0xff) + 1;
    }
    symbols[text.length] = 0;
    return build(symbols, 257);
  }

  /** Sorts the suffixes of {@code s}, whose last symbol is a unique 0 below all others. */
  private static int[] build(int[] s, int alphabet) {
    int n = s.length;
    int[] sa = new int[n];
    if (n == 1) {
      return sa;
    }
    boolean[] sType = classify(s);
    int[] counts = new int[alphabet];
    for (int symbol : s) {
      counts[symbol]++;
    }

    Arrays.fill(sa, -1);
    int[] ends = bucketEnds(counts);
    for (int i = 1; i < n; i++) {
      if (isLms(sType, i)) {
        sa[--ends[s[i]]] = i;
      }
    }
    induce(s, sa, sType, counts);

    int lmsCount = compactLms(sa, sType);
    int names = nameLmsSubstrings(s, sa, sType, lmsCount);
    int[] reduced = Arrays.copyOfRange(sa, n - lmsCount, n);
    int[] reducedOrder;
    if (names < lmsCount) {
      reducedOrder = build(reduced, names);
    } else {
      reducedOrder = new int[lmsCount];
      for (int i = 0; i < lmsCount; i++) {
        reducedOrder[reduced[i]] = i;
      }
    }

    int[] lmsPositions = new int[lmsCount];
    int next = 0;
    for (int i = 1; i < n; i++) {
      if (isLms(sType, i)) {
        lmsPositions[next++] = i;
      }
    }
    Arrays.fill(sa, -1);
    ends = bucketEnds(counts);
    for (int i = lmsCount - 1; i >= 0; i--) {
      int position = lmsPositions[reducedOrder[i]];
      sa[--ends[s[position]]] = position;
    }
    induce(s, sa, sType, counts);
    return sa;
  }

  private static boolean[] classify(int[] s) {
    int n = s.length;
    boolean[] sType = new boolean[n];
    sType[n - 1] = true;
    for (int i = n - 2; i >= 0; i--) {
      sType[i] = s[i] < s[i + 1] || (s[i] == s[i + 1] && sType[i + 1]);
    }
    return sType;
  }

  private static boolean isLms(boolean[] sType, int i) {
    return i > 0 && sType[i] && !sType[i - 1];
  }

  private static int[] bucketEnds(int[] counts) {
    int[] ends = new int[counts.length];
    int sum = 0;
    for (int c = 0; c < counts.length; c++) {
      sum += counts[c];
      ends[c] = sum;
    }
    return ends;
  }

  private static int[] bucketStarts(int[] counts) {
    int[] starts = new int[counts.length];
    int sum = 0;
    for (int c = 0; c < counts.length; c++) {
      starts[c] = sum;
      sum += counts[c];
    }
    return starts;
  }

  /** Induces L-type suffixes left to right, then S-type suffixes right to left. */
  private static void induce(int[] s, int[] sa, boolean[] sType, int[] counts) {
    int n = s.length;
    int[] starts = bucketStarts(counts);
    for (int i = 0; i < n; i++) {
      int j = sa[i] - 1;
      if (sa[i] > 0 && !sType[j]) {
        sa[starts[s[j]]++] = j;
      }
    }
    int[] ends = bucketEnds(counts);
    for (int i = n - 1; i >= 0; i--) {
      int j = sa[i] - 1;
      if (sa[i] > 0 && sType[j]) {
        sa[--ends[s[j]]] = j;
      }
    }
  }

  /** Moves the sorted LMS positions to the front of {@code sa}; returns how many there are. */
  private static int compactLms(int[] sa, boolean[] sType) {
    int count = 0;
    for (int position : sa) {
      if (isLms(sType, position)) {
        sa[count++] = position;
      }
    }
    return count;
  }

  /**
   * Names the sorted LMS substrings (equal substrings get equal names) and stores the names in text
   * order at the end of {@code sa}; returns the number of distinct names.
   */
  private static int nameLmsSubstrings(int[] s, int[] sa, boolean[] sType, int lmsCount) {
    int n = s.length;
    Arrays.fill(sa, lmsCount, n, -1);
    int name = 0;
    int previous = -1;
    for (int i = 0; i < lmsCount; i++) {
      int position = sa[i];
      if (previous < 0 || !sameLmsSubstring(s, sType, position, previous)) {
        name++;
        previous = position;
      }
      sa[lmsCount + position / 2] = name - 1;
    }
    int j = n - 1;
    for (int i = n - 1; i >= lmsCount; i--) {
      if (sa[i] >= 0) {
        sa[j--] = sa[i];
      }
    }
    return name;
  }

  private static boolean sameLmsSubstring(int[] s, boolean[] sType, int a, int b) {
    for (int d = 0; ; d++) {
      if (s[a + d] != s[b + d] || sType[a + d] != sType[b + d]) {
        return false;
      }
      if (d > 0 && (isLms(sType, a + d) || isLms(sType, b + d))) {
        return true;
      }
    }
  }
}
