package io.slipway.api.control.command;

import java.security.SecureRandom;
import java.time.Clock;
import org.springframework.stereotype.Component;

/**
 * Makes public ids that sort by creation time: a prefix, then 26 characters of Crockford base32
 * that encode 48 bits of milliseconds since the epoch followed by 80 random bits, the layout of a
 * ULID. Ids made in the same millisecond sort in random order. Thread-safe.
 */
@Component
class CommandIds {

  /** Prefix of command ids. */
  static final String COMMAND = "cmd_";

  /** Prefix of the ids that group the commands of one fleet-wide request. */
  static final String BATCH = "cmdb_";

  /** Number of characters after the prefix. */
  static final int LENGTH = 26;

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  CommandIds(Clock clock) {
    this.clock = clock;
  }

  /** Returns a new command id, {@code cmd_} and 26 characters. */
  String newCommandId() {
    return COMMAND + newSuffix();
  }

  /** Returns a new batch id, {@code cmdb_} and 26 characters. */
  String newBatchId() {
    return BATCH + newSuffix();
  }

  private String newSuffix() {
    byte[] randomBits = new byte[10];
    random.nextBytes(randomBits);
    return encode(clock.millis(), randomBits);
  }

  /**
   * Encodes the low 48 bits of {@code millis} as 10 characters and the 80 bits of {@code
   * randomBits} as 16 characters.
   */
  static String encode(long millis, byte[] randomBits) {
    if (randomBits.length != 10) {
      throw new IllegalArgumentException("An id takes 10 random bytes, not " + randomBits.length);
    }
    char[] text = new char[LENGTH];
    long time = millis & 0xFFFF_FFFF_FFFFL;
    for (int i = 9; i >= 0; i--) {
      text[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }

    long high = 0;
    for (int i = 0; i < 5; i++) {
      high = (high << 8) | (randomBits[i] & 0xFF);
    }
    long low = 0;
    for (int i = 5; i < 10; i++) {
      low = (low << 8) | (randomBits[i] & 0xFF);
    }
    for (int i = 7; i >= 0; i--) {
      text[10 + i] = ALPHABET[(int) (high & 31)];
      high >>>= 5;
      text[18 + i] = ALPHABET[(int) (low & 31)];
      low >>>= 5;
    }
    return new String(text);
  }
}
