package io.slipway.delta.recompress;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The block half of {@link GnuGzipDeflater}: buffers literals and matches, decides where GNU gzip
 * 1.12 ends a block, chooses stored, fixed or dynamic codes by the same estimates, and writes the
 * bits. Not thread-safe.
 */
final class GnuGzipBlocks {

  /** Size of gzip's symbol buffer; gzip ends a block one symbol before the buffer is full. */
  private static final int SYMBOL_BUFFER_SIZE = 0x8000;

  private static final int LITERALS = 256;
  private static final int END_BLOCK = 256;
  private static final int LENGTH_CODES = 29;
  private static final int DISTANCE_CODES = 30;
  private static final int BIT_LENGTH_CODES = 19;
  private static final int REPEAT_3_6 = 16;
  private static final int REPEAT_ZEROS_3_10 = 17;
  private static final int REPEAT_ZEROS_11_138 = 18;

  private static final int[] LENGTH_EXTRA_BITS = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };
  private static final int[] DISTANCE_EXTRA_BITS = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
  };
  private static final int[] BIT_LENGTH_EXTRA_BITS = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7
  };
  private static final int[] BIT_LENGTH_ORDER = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
  };

  private static final int[] LENGTH_CODE = new int[256];
  private static final int[] LENGTH_BASE = new int[LENGTH_CODES];
  private static final int[] DISTANCE_CODE = new int[512];
  private static final int[] DISTANCE_BASE = new int[DISTANCE_CODES];
  private static final int[] STATIC_LITERAL_LENGTHS = new int[LITERALS + 2 + LENGTH_CODES + 1];
  private static final int[] STATIC_LITERAL_CODES = new int[STATIC_LITERAL_LENGTHS.length];
  private static final int[] STATIC_DISTANCE_LENGTHS = new int[DISTANCE_CODES];
  private static final int[] STATIC_DISTANCE_CODES = new int[DISTANCE_CODES];

  static {
    int length = 0;
    for (int code = 0; code < LENGTH_CODES - 1; code++) {
      LENGTH_BASE[code] = length;
      for (int n = 0; n < (1 << LENGTH_EXTRA_BITS[code]); n++) {
        LENGTH_CODE[length++] = code;
      }
    }
    // Length 258 has its own code although 227..257 would reach it with five extra bits.
    LENGTH_CODE[255] = LENGTH_CODES - 1;

    int distance = 0;
    int code = 0;
    for (; code < 16; code++) {
      DISTANCE_BASE[code] = distance;
      for (int n = 0; n < (1 << DISTANCE_EXTRA_BITS[code]); n++) {
        DISTANCE_CODE[distance++] = code;
      }
    }
    distance >>= 7;
    for (; code < DISTANCE_CODES; code++) {
      DISTANCE_BASE[code] = distance << 7;
      for (int n = 0; n < (1 << (DISTANCE_EXTRA_BITS[code] - 7)); n++) {
        DISTANCE_CODE[256 + distance++] = code;
      }
    }

    int[] countPerLength = new int[GnuGzipHuffman.MAX_BITS + 1];
    for (int n = 0; n < STATIC_LITERAL_LENGTHS.length; n++) {
      int bits = 8;
      if (n >= 144 && n < 256) {
        bits = 9;
      } else if (n >= 256 && n < 280) {
        bits = 7;
      }
      STATIC_LITERAL_LENGTHS[n] = bits;
      countPerLength[bits]++;
    }
    int[] nextCode = new int[GnuGzipHuffman.MAX_BITS + 1];
    int next = 0;
    for (int bits = 1; bits <= GnuGzipHuffman.MAX_BITS; bits++) {
      next = (next + countPerLength[bits - 1]) << 1;
      nextCode[bits] = next;
    }
    for (int n = 0; n < STATIC_LITERAL_LENGTHS.length; n++) {
      int bits = STATIC_LITERAL_LENGTHS[n];
      STATIC_LITERAL_CODES[n] = GnuGzipHuffman.reverse(nextCode[bits]++, bits);
    }
    for (int n = 0; n < DISTANCE_CODES; n++) {
      STATIC_DISTANCE_LENGTHS[n] = 5;
      STATIC_DISTANCE_CODES[n] = GnuGzipHuffman.reverse(n, 5);
    }
  }

  private final boolean checksEarlyEnd;
  private final BitWriter bits;
  private final GnuGzipHuffman huffman = new GnuGzipHuffman();
  private final GnuGzipHuffman.Tree literalTree =
      new GnuGzipHuffman.Tree(
          LITERALS + 1 + LENGTH_CODES,
          GnuGzipHuffman.MAX_BITS,
          LENGTH_EXTRA_BITS,
          LITERALS + 1,
          STATIC_LITERAL_LENGTHS);
  private final GnuGzipHuffman.Tree distanceTree =
      new GnuGzipHuffman.Tree(
          DISTANCE_CODES, GnuGzipHuffman.MAX_BITS, DISTANCE_EXTRA_BITS, 0, STATIC_DISTANCE_LENGTHS);
  private final GnuGzipHuffman.Tree bitLengthTree =
      new GnuGzipHuffman.Tree(BIT_LENGTH_CODES, 7, BIT_LENGTH_EXTRA_BITS, 0, null);

  /** A literal byte, or a match length minus 3, per symbol. */
  private final byte[] symbols = new byte[SYMBOL_BUFFER_SIZE];

  /** A match distance minus 1 per match. */
  private final char[] distances = new char[SYMBOL_BUFFER_SIZE];

  /** One bit per symbol, set for a match. */
  private final byte[] matchFlags = new byte[SYMBOL_BUFFER_SIZE / 8];

  private int symbolCount;
  private int matchCount;

  /**
   * @param level the gzip level, 1 to 9: above 2, blocks may end early
   */
  GnuGzipBlocks(int level, OutputStream out) {
    this.checksEarlyEnd = level > 2;
    this.bits = new BitWriter(out);
    startBlock();
  }

  /**
   * Records a literal ({@code distance} 0) or a match, and returns true when gzip would end the
   * block here.
   *
   * @param distance the match distance, or 0 for a literal
   * @param literalOrLength the literal byte, or the match length minus 3
   * @param blockLength the bytes from the block's start to gzip's current position, for the early
   *     end estimate
   */
  boolean tally(int distance, int literalOrLength, long blockLength) {
    symbols[symbolCount] = (byte) literalOrLength;
    if (distance == 0) {
      literalTree.frequency[literalOrLength]++;
    } else {
      distance--;
      literalTree.frequency[LENGTH_CODE[literalOrLength] + LITERALS + 1]++;
      distanceTree.frequency[distanceCode(distance)]++;
      distances[matchCount++] = (char) distance;
      matchFlags[symbolCount >> 3] |= (byte) (1 << (symbolCount & 7));
    }
    symbolCount++;

    if (checksEarlyEnd && (symbolCount & 0xfff) == 0) {
      long estimate = (long) symbolCount * 8;
      for (int code = 0; code < DISTANCE_CODES; code++) {
        estimate += (long) distanceTree.frequency[code] * (5 + DISTANCE_EXTRA_BITS[code]);
      }
      estimate >>= 3;
      if (matchCount < symbolCount / 2 && estimate < blockLength / 2) {
        return true;
      }
    }
    return symbolCount == SYMBOL_BUFFER_SIZE - 1 || matchCount == SYMBOL_BUFFER_SIZE;
  }

  /**
   * Writes the buffered symbols as one block, choosing its type like gzip.
   *
   * @param window the uncompressed bytes, for a stored block
   * @param blockStart where the block's bytes start in {@code window}, negative when they are no
   *     longer there (a stored block is then not possible)
   * @param blockLength the block's uncompressed length
   * @param last whether this is the final block; it is then padded to a byte
   */
  void flushBlock(byte[] window, long blockStart, long blockLength, boolean last)
      throws IOException {
    huffman.resetCosts();
    huffman.build(literalTree);
    huffman.build(distanceTree);
    int maxBitLengthIndex = buildBitLengthTree();
    long optimalBytes = (huffman.optimalBits + 3 + 7) >> 3;
    long staticBytes = (huffman.staticBits + 3 + 7) >> 3;
    if (staticBytes <= optimalBytes) {
      optimalBytes = staticBytes;
    }

    int lastBit = last ? 1 : 0;
    if (blockLength + 4 <= optimalBytes && blockStart >= 0) {
      bits.write(lastBit, 3);
      bits.alignToByte();
      int length = (int) blockLength;
      bits.writeByteAligned(length & 0xff);
      bits.writeByteAligned((length >> 8) & 0xff);
      bits.writeByteAligned(~length & 0xff);
      bits.writeByteAligned((~length >> 8) & 0xff);
      bits.writeBytesAligned(window, (int) blockStart, length);
    } else if (staticBytes == optimalBytes) {
      bits.write((1 << 1) + lastBit, 3);
      writeSymbols(
          STATIC_LITERAL_CODES,
          STATIC_LITERAL_LENGTHS,
          STATIC_DISTANCE_CODES,
          STATIC_DISTANCE_LENGTHS);
    } else {
      bits.write((2 << 1) + lastBit, 3);
      writeTreeDescriptions(maxBitLengthIndex + 1);
      writeSymbols(literalTree.code, literalTree.length, distanceTree.code, distanceTree.length);
    }
    startBlock();
    if (last) {
      bits.alignToByte();
    }
    bits.flush();
  }

  private void startBlock() {
    literalTree.clearFrequencies();
    distanceTree.clearFrequencies();
    bitLengthTree.clearFrequencies();
    literalTree.frequency[END_BLOCK] = 1;
    java.util.Arrays.fill(matchFlags, 0, (symbolCount + 7) >> 3, (byte) 0);
    symbolCount = 0;
    matchCount = 0;
  }

  private int buildBitLengthTree() throws IOException {
    countLengthRuns(literalTree);
    countLengthRuns(distanceTree);
    huffman.build(bitLengthTree);
    int maxIndex;
    for (maxIndex = BIT_LENGTH_CODES - 1; maxIndex >= 3; maxIndex--) {
      if (bitLengthTree.length[BIT_LENGTH_ORDER[maxIndex]] != 0) {
        break;
      }
    }
    huffman.optimalBits += 3L * (maxIndex + 1) + 5 + 5 + 4;
    return maxIndex;
  }

  /** Counts the code length symbols (with repeat codes) that describe {@code tree}. */
  private void countLengthRuns(GnuGzipHuffman.Tree tree) throws IOException {
    tree.length[tree.maxCode + 1] = 0xffff;
    walkLengthRuns(tree, null);
  }

  private void writeTreeDescriptions(int bitLengthCodes) throws IOException {
    bits.write(literalTree.maxCode + 1 - 257, 5);
    bits.write(distanceTree.maxCode + 1 - 1, 5);
    bits.write(bitLengthCodes - 4, 4);
    for (int rank = 0; rank < bitLengthCodes; rank++) {
      bits.write(bitLengthTree.length[BIT_LENGTH_ORDER[rank]], 3);
    }
    walkLengthRuns(literalTree, bits);
    walkLengthRuns(distanceTree, bits);
  }

  /**
   * Run-length codes the lengths of {@code tree} up to its maximum code: counts the bit length
   * symbols when {@code out} is null, writes them otherwise.
   */
  private void walkLengthRuns(GnuGzipHuffman.Tree tree, BitWriter out) throws IOException {
    int[] lengths = tree.length;
    int[] counts = bitLengthTree.frequency;
    int previous = -1;
    int next = lengths[0];
    int count = 0;
    int maxCount = next == 0 ? 138 : 7;
    int minCount = next == 0 ? 3 : 4;
    for (int n = 0; n <= tree.maxCode; n++) {
      int current = next;
      next = lengths[n + 1];
      if (++count < maxCount && current == next) {
        continue;
      }
      if (count < minCount) {
        if (out == null) {
          counts[current] += count;
        } else {
          for (; count != 0; count--) {
            writeBitLengthCode(current);
          }
        }
      } else if (current != 0) {
        if (current != previous) {
          if (out == null) {
            counts[current]++;
          } else {
            writeBitLengthCode(current);
            count--;
          }
        }
        if (out == null) {
          counts[REPEAT_3_6]++;
        } else {
          writeBitLengthCode(REPEAT_3_6);
          out.write(count - 3, 2);
        }
      } else if (count <= 10) {
        if (out == null) {
          counts[REPEAT_ZEROS_3_10]++;
        } else {
          writeBitLengthCode(REPEAT_ZEROS_3_10);
          out.write(count - 3, 3);
        }
      } else if (out == null) {
        counts[REPEAT_ZEROS_11_138]++;
      } else {
        writeBitLengthCode(REPEAT_ZEROS_11_138);
        out.write(count - 11, 7);
      }
      count = 0;
      previous = current;
      if (next == 0) {
        maxCount = 138;
        minCount = 3;
      } else if (current == next) {
        maxCount = 6;
        minCount = 3;
      } else {
        maxCount = 7;
        minCount = 4;
      }
    }
  }

  private void writeBitLengthCode(int symbol) throws IOException {
    bits.write(bitLengthTree.code[symbol], bitLengthTree.length[symbol]);
  }

  private void writeSymbols(
      int[] literalCodes, int[] literalLengths, int[] distanceCodes, int[] distanceLengths)
      throws IOException {
    int matchIndex = 0;
    for (int i = 0; i < symbolCount; i++) {
      int value = symbols[i] & 0xff;
      if ((matchFlags[i >> 3] & (1 << (i & 7))) == 0) {
        bits.write(literalCodes[value], literalLengths[value]);
        continue;
      }
      int code = LENGTH_CODE[value];
      bits.write(literalCodes[code + LITERALS + 1], literalLengths[code + LITERALS + 1]);
      int extra = LENGTH_EXTRA_BITS[code];
      if (extra != 0) {
        bits.write(value - LENGTH_BASE[code], extra);
      }
      int distance = distances[matchIndex++];
      code = distanceCode(distance);
      bits.write(distanceCodes[code], distanceLengths[code]);
      extra = DISTANCE_EXTRA_BITS[code];
      if (extra != 0) {
        bits.write(distance - DISTANCE_BASE[code], extra);
      }
    }
    bits.write(literalCodes[END_BLOCK], literalLengths[END_BLOCK]);
  }

  private static int distanceCode(int distance) {
    return distance < 256 ? DISTANCE_CODE[distance] : DISTANCE_CODE[256 + (distance >> 7)];
  }

  /** LSB-first bit output to a stream, through a small buffer. */
  private static final class BitWriter {
    private final OutputStream out;
    private final byte[] buffer = new byte[16 * 1024];
    private int buffered;
    private long bitBuffer;
    private int bitCount;

    BitWriter(OutputStream out) {
      this.out = out;
    }

    void write(int value, int length) throws IOException {
      bitBuffer |= (long) (value & ((1 << length) - 1)) << bitCount;
      bitCount += length;
      while (bitCount >= 8) {
        writeByteAligned((int) bitBuffer & 0xff);
        bitBuffer >>>= 8;
        bitCount -= 8;
      }
    }

    void alignToByte() throws IOException {
      if (bitCount > 0) {
        writeByteAligned((int) bitBuffer & 0xff);
      }
      bitBuffer = 0;
      bitCount = 0;
    }

    /** Writes a whole byte; call only when no bits are pending. */
    void writeByteAligned(int value) throws IOException {
      if (buffered == buffer.length) {
        flush();
      }
      buffer[buffered++] = (byte) value;
    }

    void writeBytesAligned(byte[] bytes, int offset, int length) throws IOException {
      flush();
      out.write(bytes, offset, length);
    }

    /** Writes the whole bytes so far to the stream; pending bits stay. */
    void flush() throws IOException {
      if (buffered > 0) {
        out.write(buffer, 0, buffered);
        buffered = 0;
      }
    }
  }
}
