package io.slipway.delta.recompress;

import java.util.Arrays;

/**
 * Builds length-limited Huffman codes the way GNU gzip 1.12 does, so that its dynamic blocks come
 * out bit for bit. It uses a binary heap ordered by frequency then subtree depth, at least two
 * codes per tree, and gzip's redistribution of overflowing lengths. Codes are canonical and stored
 * bit reversed for LSB-first output. Also accumulates the block costs gzip uses to choose a block
 * type. Not thread-safe.
 */
final class GnuGzipHuffman {

  static final int MAX_BITS = 15;
  static final int LITERAL_CODES = 286;
  static final int HEAP_SIZE = 2 * LITERAL_CODES + 1;

  /** One alphabet's frequencies and resulting code lengths and codes. */
  static final class Tree {
    final int elements;
    final int maxLength;
    final int[] extraBits;
    final int extraBase;
    final int[] staticLengths;
    final int[] frequency = new int[HEAP_SIZE];
    final int[] length = new int[HEAP_SIZE + 1];
    final int[] code = new int[HEAP_SIZE];
    final int[] parent = new int[HEAP_SIZE];
    int maxCode;

    Tree(int elements, int maxLength, int[] extraBits, int extraBase, int[] staticLengths) {
      this.elements = elements;
      this.maxLength = maxLength;
      this.extraBits = extraBits;
      this.extraBase = extraBase;
      this.staticLengths = staticLengths;
    }

    void clearFrequencies() {
      Arrays.fill(frequency, 0, elements, 0);
    }
  }

  private final int[] heap = new int[HEAP_SIZE];
  private final int[] depth = new int[HEAP_SIZE];
  private final int[] lengthCount = new int[MAX_BITS + 1];
  private int heapLength;
  private int heapMax;

  /** Bits of the block with the dynamic codes built so far, tree descriptions included. */
  long optimalBits;

  /** Bits of the block with the fixed codes. */
  long staticBits;

  void resetCosts() {
    optimalBits = 0;
    staticBits = 0;
  }

  /** Builds the code lengths and codes of {@code tree} from its frequencies and adds its costs. */
  void build(Tree tree) {
    int[] frequency = tree.frequency;
    int maxCode = -1;
    heapLength = 0;
    heapMax = HEAP_SIZE;
    for (int n = 0; n < tree.elements; n++) {
      if (frequency[n] != 0) {
        heap[++heapLength] = n;
        maxCode = n;
        depth[n] = 0;
      } else {
        tree.length[n] = 0;
      }
    }

    // Deflate needs at least two codes; gzip adds symbols 0 and 1 first, then 0.
    while (heapLength < 2) {
      int added = maxCode < 2 ? ++maxCode : 0;
      heap[++heapLength] = added;
      frequency[added] = 1;
      depth[added] = 0;
      optimalBits--;
      if (tree.staticLengths != null) {
        staticBits -= tree.staticLengths[added];
      }
    }
    tree.maxCode = maxCode;

    for (int n = heapLength / 2; n >= 1; n--) {
      siftDown(tree, n);
    }
    int node = tree.elements;
    do {
      int least = heap[1];
      heap[1] = heap[heapLength--];
      siftDown(tree, 1);
      int next = heap[1];
      heap[--heapMax] = least;
      heap[--heapMax] = next;
      frequency[node] = frequency[least] + frequency[next];
      depth[node] = Math.max(depth[least], depth[next]) + 1;
      tree.parent[least] = node;
      tree.parent[next] = node;
      heap[1] = node++;
      siftDown(tree, 1);
    } while (heapLength >= 2);
    heap[--heapMax] = heap[1];

    assignLengths(tree);
    assignCodes(tree, maxCode);
  }

  private boolean smaller(int[] frequency, int a, int b) {
    return frequency[a] < frequency[b] || (frequency[a] == frequency[b] && depth[a] <= depth[b]);
  }

  private void siftDown(Tree tree, int k) {
    int[] frequency = tree.frequency;
    int value = heap[k];
    int child = k << 1;
    while (child <= heapLength) {
      if (child < heapLength && smaller(frequency, heap[child + 1], heap[child])) {
        child++;
      }
      if (smaller(frequency, value, heap[child])) {
        break;
      }
      heap[k] = heap[child];
      k = child;
      child <<= 1;
    }
    heap[k] = value;
  }

  /** Walks the nodes from the root down, limiting lengths to the tree's maximum like gzip does. */
  private void assignLengths(Tree tree) {
    Arrays.fill(lengthCount, 0);
    int[] length = tree.length;
    length[heap[heapMax]] = 0;
    int overflow = 0;
    int h;
    for (h = heapMax + 1; h < HEAP_SIZE; h++) {
      int n = heap[h];
      int bits = length[tree.parent[n]] + 1;
      if (bits > tree.maxLength) {
        bits = tree.maxLength;
        overflow++;
      }
      length[n] = bits;
      if (n > tree.maxCode) {
        continue;
      }
      lengthCount[bits]++;
      int extra = n >= tree.extraBase ? tree.extraBits[n - tree.extraBase] : 0;
      long frequency = tree.frequency[n];
      optimalBits += frequency * (bits + extra);
      if (tree.staticLengths != null) {
        staticBits += frequency * (tree.staticLengths[n] + extra);
      }
    }
    if (overflow == 0) {
      return;
    }

    do {
      int bits = tree.maxLength - 1;
      while (lengthCount[bits] == 0) {
        bits--;
      }
      lengthCount[bits]--;
      lengthCount[bits + 1] += 2;
      lengthCount[tree.maxLength]--;
      overflow -= 2;
    } while (overflow > 0);

    // Hand out the corrected lengths again, longest first, in the heap's order.
    for (int bits = tree.maxLength; bits != 0; bits--) {
      int count = lengthCount[bits];
      while (count != 0) {
        int m = heap[--h];
        if (m > tree.maxCode) {
          continue;
        }
        if (length[m] != bits) {
          optimalBits += ((long) bits - length[m]) * tree.frequency[m];
          length[m] = bits;
        }
        count--;
      }
    }
  }

  private void assignCodes(Tree tree, int maxCode) {
    int[] nextCode = new int[MAX_BITS + 1];
    int code = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) {
      code = (code + lengthCount[bits - 1]) << 1;
      nextCode[bits] = code;
    }
    for (int n = 0; n <= maxCode; n++) {
      int length = tree.length[n];
      if (length != 0) {
        tree.code[n] = reverse(nextCode[length]++, length);
      }
    }
  }

  /** Returns the low {@code length} bits of {@code code} in reverse order. */
  static int reverse(int code, int length) {
    return Integer.reverse(code) >>> (32 - length);
  }
}
