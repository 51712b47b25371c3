package io.slipway.api.control.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CommandIdsTest {

  @Test
  void commandIdHasPrefixAndLength() {
    String id = new CommandIds(Clock.systemUTC()).newCommandId();

    assertThat(id).startsWith("cmd_").hasSize(4 + CommandIds.LENGTH);
    assertThat(id.substring(4)).matches("[0-9A-HJKMNP-TV-Z]{26}");
  }

  @Test
  void batchIdHasItsOwnPrefix() {
    String id = new CommandIds(Clock.systemUTC()).newBatchId();

    assertThat(id).startsWith("cmdb_").hasSize(5 + CommandIds.LENGTH);
  }

  @Test
  void laterIdsSortAfterEarlierOnes() {
    String earlier =
        new CommandIds(Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC)).newCommandId();
    String later =
        new CommandIds(Clock.fixed(Instant.ofEpochMilli(1_001), ZoneOffset.UTC)).newCommandId();

    assertThat(later).isGreaterThan(earlier);
  }

  @Test
  void encodingMatchesUlidLayout() {
    byte[] allOnes = new byte[10];
    Arrays.fill(allOnes, (byte) 0xFF);

    assertThat(CommandIds.encode(0, new byte[10])).isEqualTo("0".repeat(26));
    assertThat(CommandIds.encode(0xFFFF_FFFF_FFFFL, allOnes)).isEqualTo("7" + "Z".repeat(25));
  }

  @Test
  void encodingRejectsWrongRandomLength() {
    assertThatThrownBy(() -> CommandIds.encode(0, new byte[9]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 9");
  }
}
