package io.slipway.delta.recompress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A raw deflate compressor whose output equals, byte for byte, the deflate body that GNU gzip 1.12
 * writes for {@code gzip -n -LEVEL} of a regular file (levels 1 to 9). It follows gzip's algorithm:
 * a 64 KiB window slid by 32 KiB, a 15-bit rolling hash over 3 bytes with hash chains, gzip's
 * per-level chain, lazy and nice lengths, greedy matching with limited insertion at levels 1 to 3
 * and lazy matching above, and {@link GnuGzipBlocks} for block ends and codes.
 *
 * <p>gzip reads its input in requests that a regular file fills completely; this class buffers the
 * written bytes into the window until such a request is filled, so the output does not depend on
 * how the input is split into {@link #write} calls. Memory: about 340 KiB of arrays. Not
 * thread-safe.
 */
public final class GnuGzipDeflater implements DeflateCompressor {

  private static final int WINDOW_SIZE = 0x8000;
  private static final int WINDOW_MASK = WINDOW_SIZE - 1;
  private static final int HASH_BITS = 15;
  private static final int HASH_SIZE = 1 << HASH_BITS;
  private static final int HASH_MASK = HASH_SIZE - 1;
  private static final int HASH_SHIFT = (HASH_BITS + 3 - 1) / 3;
  private static final int MIN_MATCH = 3;
  private static final int MAX_MATCH = 258;
  private static final int MIN_LOOKAHEAD = MAX_MATCH + MIN_MATCH + 1;
  private static final int MAX_DISTANCE = WINDOW_SIZE - MIN_LOOKAHEAD;
  private static final int TOO_FAR = 4096;
  private static final int NIL = 0;

  /** Per level: good length, lazy length (maximum insertion length at 1 to 3), nice, chain. */
  private static final int[][] CONFIGURATION = {
    {0, 0, 0, 0},
    {4, 4, 8, 4},
    {4, 5, 16, 8},
    {4, 6, 32, 32},
    {4, 4, 16, 16},
    {8, 16, 32, 32},
    {8, 16, 128, 128},
    {8, 32, 128, 256},
    {32, 128, 258, 1024},
    {32, 258, 258, 4096}
  };

  private final int level;
  private final int goodLength;
  private final int lazyLength;
  private final int niceLength;
  private final int maxChain;
  private final GnuGzipBlocks blocks;

  /**
   * Two window halves plus room for gzip's reads past the data: the matcher compares up to {@link
   * #MAX_MATCH} bytes ahead, and gzip compares stale window bytes there, which this array keeps.
   */
  private final byte[] window = new byte[2 * WINDOW_SIZE + MAX_MATCH + MIN_MATCH];

  private final char[] previous = new char[WINDOW_SIZE];
  private final char[] head = new char[HASH_SIZE];

  private int hash;
  private int start;
  private int lookahead;
  private long blockStart;
  private int matchStart;
  private int previousLength;
  private boolean endOfInput;
  private boolean hashStarted;

  /** Size of the pending read request, and how many bytes it has received. */
  private int readRequested;

  private int readReceived;
  private boolean reading;

  private int matchLength = MIN_MATCH - 1;
  private boolean matchAvailable;
  private int fastMatchLength;
  private boolean finished;

  /**
   * @param level the gzip level, 1 to 9
   * @param out where the raw deflate stream goes; never closed by this class
   * @throws IllegalArgumentException naming the level when it is not 1 to 9
   */
  public GnuGzipDeflater(int level, OutputStream out) {
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("GNU gzip level " + level + " is not 1 to 9");
    }
    this.level = level;
    this.goodLength = CONFIGURATION[level][0];
    this.lazyLength = CONFIGURATION[level][1];
    this.niceLength = CONFIGURATION[level][2];
    this.maxChain = CONFIGURATION[level][3];
    this.blocks = new GnuGzipBlocks(level, Objects.requireNonNull(out, "out"));
    this.previousLength = MIN_MATCH - 1;
    beginRead();
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (finished) {
      throw new IllegalStateException("The GNU gzip deflater is finished");
    }
    while (length > 0) {
      int copied = Math.min(length, readRequested - readReceived);
      System.arraycopy(bytes, offset, window, start + lookahead + readReceived, copied);
      readReceived += copied;
      offset += copied;
      length -= copied;
      if (readReceived == readRequested) {
        lookahead += readReceived;
        reading = false;
        compress(false);
      }
    }
  }

  @Override
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    if (reading) {
      reading = false;
      endRead(readReceived);
    }
    compress(true);
  }

  /** Nothing to free: the deflater holds only heap memory. */
  @Override
  public void close() {}

  /**
   * Runs gzip's main loop until it needs input it cannot have yet; with {@code atEnd}, every read
   * past the written bytes returns end of input, and the loop runs to the final block.
   */
  private void compress(boolean atEnd) throws IOException {
    while (true) {
      while (lookahead < MIN_LOOKAHEAD && !endOfInput) {
        if (!atEnd) {
          beginRead();
          return;
        }
        beginRead();
        reading = false;
        endRead(0);
      }
      if (!hashStarted) {
        hashStarted = true;
        hash = 0;
        for (int j = 0; j < MIN_MATCH - 1; j++) {
          hash = updateHash(hash, window[j]);
        }
      }
      if (lookahead == 0) {
        finishStream();
        return;
      }
      if (level <= 3) {
        stepFast();
      } else {
        stepLazy();
      }
    }
  }

  /** Starts gzip's read request into the window, sliding it first when gzip would. */
  private void beginRead() {
    int requested = 2 * WINDOW_SIZE - lookahead - start;
    if (start >= WINDOW_SIZE + MAX_DISTANCE) {
      slide();
      requested += WINDOW_SIZE;
    }
    readRequested = requested;
    readReceived = 0;
    reading = true;
  }

  /** Ends a read request that got {@code received} bytes; zero bytes means end of input. */
  private void endRead(int received) {
    if (received == 0) {
      endOfInput = true;
      // gzip zeroes the two bytes after the data so they do not reach the hash.
      window[start + lookahead] = 0;
      window[start + lookahead + 1] = 0;
    } else {
      lookahead += received;
    }
  }

  private void slide() {
    System.arraycopy(window, WINDOW_SIZE, window, 0, WINDOW_SIZE);
    matchStart -= WINDOW_SIZE;
    start -= WINDOW_SIZE;
    blockStart -= WINDOW_SIZE;
    for (int n = 0; n < HASH_SIZE; n++) {
      int m = head[n];
      head[n] = (char) (m >= WINDOW_SIZE ? m - WINDOW_SIZE : NIL);
    }
    for (int n = 0; n < WINDOW_SIZE; n++) {
      int m = previous[n];
      previous[n] = (char) (m >= WINDOW_SIZE ? m - WINDOW_SIZE : NIL);
    }
  }

  private static int updateHash(int hash, byte next) {
    return ((hash << HASH_SHIFT) ^ (next & 0xff)) & HASH_MASK;
  }

  /** Inserts the string at {@code position} into its hash chain and returns the chain's head. */
  private int insertString(int position) {
    hash = updateHash(hash, window[position + MIN_MATCH - 1]);
    int chainHead = head[hash];
    previous[position & WINDOW_MASK] = (char) chainHead;
    head[hash] = (char) position;
    return chainHead;
  }

  private boolean mayMatch(int chainHead) {
    return chainHead != NIL
        && start - chainHead <= MAX_DISTANCE
        && start <= 2 * WINDOW_SIZE - MIN_LOOKAHEAD;
  }

  /** Runs one step of gzip's greedy loop (levels 1 to 3). */
  private void stepFast() throws IOException {
    int chainHead = insertString(start);
    if (mayMatch(chainHead)) {
      fastMatchLength = Math.min(longestMatch(chainHead), lookahead);
    }
    boolean endBlock;
    if (fastMatchLength >= MIN_MATCH) {
      endBlock = blocks.tally(start - matchStart, fastMatchLength - MIN_MATCH, start - blockStart);
      lookahead -= fastMatchLength;
      if (fastMatchLength <= lazyLength) {
        fastMatchLength--;
        do {
          start++;
          insertString(start);
        } while (--fastMatchLength != 0);
        start++;
      } else {
        start += fastMatchLength;
        fastMatchLength = 0;
        hash = window[start] & 0xff;
        hash = updateHash(hash, window[start + 1]);
      }
    } else {
      endBlock = blocks.tally(0, window[start] & 0xff, start - blockStart);
      lookahead--;
      start++;
    }
    if (endBlock) {
      flushBlock(false);
    }
  }

  /** Runs one step of gzip's lazy loop (levels 4 to 9). */
  private void stepLazy() throws IOException {
    int chainHead = insertString(start);
    previousLength = matchLength;
    int previousMatch = matchStart;
    matchLength = MIN_MATCH - 1;
    if (mayMatch(chainHead) && previousLength < lazyLength) {
      matchLength = Math.min(longestMatch(chainHead), lookahead);
      if (matchLength == MIN_MATCH && start - matchStart > TOO_FAR) {
        matchLength--;
      }
    }

    if (previousLength >= MIN_MATCH && matchLength <= previousLength) {
      boolean endBlock =
          blocks.tally(start - 1 - previousMatch, previousLength - MIN_MATCH, start - blockStart);
      lookahead -= previousLength - 1;
      int toInsert = previousLength - 2;
      do {
        start++;
        insertString(start);
      } while (--toInsert != 0);
      matchAvailable = false;
      matchLength = MIN_MATCH - 1;
      start++;
      if (endBlock) {
        flushBlock(false);
      }
    } else if (matchAvailable) {
      if (blocks.tally(0, window[start - 1] & 0xff, start - blockStart)) {
        flushBlock(false);
      }
      start++;
      lookahead--;
    } else {
      matchAvailable = true;
      start++;
      lookahead--;
    }
  }

  /**
   * Returns the length of the longest match for the string at {@link #start} along the chain from
   * {@code candidate}, and sets {@link #matchStart} when it beats {@link #previousLength}. Like
   * gzip, it checks the byte at the best length first and skips the third byte, which the hash
   * implies. It may count stale bytes past the data, so callers cap the result at the lookahead.
   */
  private int longestMatch(int candidate) {
    int chain = maxChain;
    int bestLength = previousLength;
    int limit = start > MAX_DISTANCE ? start - MAX_DISTANCE : NIL;
    if (previousLength >= goodLength) {
      chain >>= 2;
    }
    byte[] w = window;
    int scan = start;
    byte scanEnd1 = w[scan + bestLength - 1];
    byte scanEnd = w[scan + bestLength];
    do {
      int match = candidate;
      if (w[match + bestLength] != scanEnd
          || w[match + bestLength - 1] != scanEnd1
          || w[match] != w[scan]
          || w[match + 1] != w[scan + 1]) {
        continue;
      }
      int length = 3;
      while (length < MAX_MATCH && w[scan + length] == w[match + length]) {
        length++;
      }
      if (length > bestLength) {
        matchStart = candidate;
        bestLength = length;
        if (length >= niceLength) {
          break;
        }
        scanEnd1 = w[scan + bestLength - 1];
        scanEnd = w[scan + bestLength];
      }
    } while ((candidate = previous[candidate & WINDOW_MASK]) > limit && --chain != 0);
    return bestLength;
  }

  private void flushBlock(boolean last) throws IOException {
    blocks.flushBlock(window, blockStart, start - blockStart, last);
    blockStart = start;
  }

  private void finishStream() throws IOException {
    if (level > 3 && matchAvailable) {
      blocks.tally(0, window[start - 1] & 0xff, start - blockStart);
    }
    blocks.flushBlock(window, blockStart, start - blockStart, true);
  }
}
