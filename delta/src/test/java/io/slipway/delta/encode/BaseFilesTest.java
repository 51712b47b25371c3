package io.slipway.delta.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseFilesTest {

  @TempDir Path temp;

  @Test
  void upperLayerReplacesLowerFile() throws Exception {
    try (ExpandedLayer lower = layer(0, "lower", "etc/motd", "lower text\n");
        ExpandedLayer upper = layer(1, "upper", "etc/motd", "upper text\n")) {
      BaseFiles files = BaseFiles.index(List.of(lower, upper));

      assertThat(files.atPath("etc/motd").orElseThrow().layer()).isSameAs(upper);
      assertThat(files.atPath("./etc/motd")).isPresent();
    }
  }

  @Test
  void whiteoutHidesLowerFileButKeepsItsContent() throws Exception {
    try (ExpandedLayer lower = layer(0, "lower", "etc/motd", "lower text\n");
        ExpandedLayer upper = layer(1, "upper", "etc/.wh.motd", "")) {
      BaseFiles files = BaseFiles.index(List.of(lower, upper));

      assertThat(files.atPath("etc/motd")).isEmpty();
      String digest = lower.contentDigest(lower.index().entries().get(1));
      assertThat(files.withContent(digest)).isPresent();
    }
  }

  @Test
  void opaqueDirectoryHidesEverythingBelow() throws Exception {
    try (ExpandedLayer lower = layer(0, "lower", "opt/app/config", "old\n");
        ExpandedLayer upper = layer(1, "upper", "opt/app/.wh..wh..opq", "")) {
      BaseFiles files = BaseFiles.index(List.of(lower, upper));

      assertThat(files.atPath("opt/app/config")).isEmpty();
    }
  }

  @Test
  void versionedNameMatchesNextVersion() throws Exception {
    try (ExpandedLayer layer = layer(0, "lower", "usr/lib/libssl.so.3.0.15", "library\n")) {
      BaseFiles files = BaseFiles.index(List.of(layer));

      assertThat(files.similar("usr/lib/libssl.so.3.0.16", 8)).isPresent();
      assertThat(files.similar("usr/lib/libcrypto.so.3.0.16", 8)).isEmpty();
    }
  }

  @Test
  void stemTakesOutVersionNumbers() {
    assertThat(BaseFiles.stem("app/lib/guava-33.4.6-jre.jar")).isEqualTo("app/lib/guava-#-jre.jar");
    assertThat(BaseFiles.stem("usr/lib/libssl.so.3")).isEqualTo("usr/lib/libssl.so.#");
  }

  private ExpandedLayer layer(int position, String name, String path, String text)
      throws IOException, InterruptedException {
    Path root = temp.resolve(name);
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Path tar = RootFilesystems.tar(root, temp.resolve(name + ".tar"), "2024-01-01", false);
    return ExpandedLayer.open(position, tar);
  }
}
