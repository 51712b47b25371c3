package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OldEntryIndexTest {

  @Test
  void prefersEntryOfSameName() throws Exception {
    OldEntryIndex index = index("lib/a-1.jar", "lib/a-2.jar");

    assertThat(index.find("lib/a-2.jar").name()).isEqualTo("lib/a-2.jar");
  }

  @Test
  void pairsNamesThatDifferInVersion() throws Exception {
    OldEntryIndex index =
        index("BOOT-INF/lib/commons-io-2.19.0.jar", "BOOT-INF/lib/guava-33.4.6-jre.jar");

    assertThat(index.find("BOOT-INF/lib/commons-io-2.20.0.jar").name())
        .isEqualTo("BOOT-INF/lib/commons-io-2.19.0.jar");
  }

  @Test
  void skipsAmbiguousVersionlessNames() throws Exception {
    OldEntryIndex index = index("lib/a-1.jar", "lib/a-2.jar");

    assertThat(index.find("lib/a-3.jar")).isNull();
  }

  @Test
  void keepsDirectoriesApart() throws Exception {
    OldEntryIndex index = index("one/a-1.jar");

    assertThat(index.find("two/a-2.jar")).isNull();
  }

  private static OldEntryIndex index(String... names) throws Exception {
    String[] namesAndContents = new String[2 * names.length];
    for (int i = 0; i < names.length; i++) {
      namesAndContents[2 * i] = names[i];
      namesAndContents[2 * i + 1] = "content of " + names[i];
    }
    return new OldEntryIndex(ZipArchive.parse(ZipPlannerTest.zip(6, namesAndContents)));
  }
}
