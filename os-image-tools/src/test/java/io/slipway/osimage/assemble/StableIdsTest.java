package io.slipway.osimage.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class StableIdsTest {

  private static final byte[] DIGEST = new byte[32];

  @Test
  void sameDigestGivesSameUuid() {
    UUID first = new StableIds(DIGEST).uuid("gpt disk");
    UUID second = new StableIds(DIGEST.clone()).uuid("gpt disk");

    assertThat(second).isEqualTo(first);
  }

  @Test
  void purposesGiveDifferentUuids() {
    StableIds ids = new StableIds(DIGEST);

    assertThat(ids.uuid("gpt partition 1")).isNotEqualTo(ids.uuid("gpt partition 2"));
  }

  @Test
  void digestsGiveDifferentUuids() {
    byte[] other = DIGEST.clone();
    other[31] = 1;

    assertThat(new StableIds(other).uuid("gpt disk"))
        .isNotEqualTo(new StableIds(DIGEST).uuid("gpt disk"));
  }

  @Test
  void uuidIsVersionEightRfcVariant() {
    UUID uuid = new StableIds(DIGEST).uuid("ext4 resin-data");

    assertThat(uuid.version()).isEqualTo(8);
    assertThat(uuid.variant()).isEqualTo(2);
  }

  @Test
  void int32DiffersByPurpose() {
    StableIds ids = new StableIds(DIGEST);

    assertThat(ids.int32("mbr disk signature")).isNotEqualTo(ids.int32("boot volume id"));
  }
}
