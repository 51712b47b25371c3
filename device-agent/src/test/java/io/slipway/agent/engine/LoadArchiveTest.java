package io.slipway.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageReader;
import io.slipway.delta.layout.OciLayout;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadArchiveTest {

  @TempDir Path dir;

  @Test
  void archiveContainsManifestConfigAndLayers() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    Digest manifest = LayoutImages.write(layout, "one", "one");
    Image image = ImageReader.read(layout, manifest);
    Digest layer = image.layers().get(0).blob().digest();

    Map<String, byte[]> entries = entries(new LoadArchive(layout, image, "slipway/x/app:1", 0));

    assertThat(entries.keySet())
        .containsExactly(
            "manifest.json", image.config().digest().hex() + ".json", layer.hex() + "/layer.tar");
    assertThat(new String(entries.get("manifest.json"), StandardCharsets.UTF_8))
        .isEqualTo(
            "[{\"Config\":\"%s.json\",\"RepoTags\":[\"slipway/x/app:1\"],\"Layers\":[\"%s/layer.tar\"]}]"
                .formatted(image.config().digest().hex(), layer.hex()));
    assertThat(entries.get(layer.hex() + "/layer.tar"))
        .isEqualTo(Files.readAllBytes(layout.blobPath(layer)));
  }

  @Test
  void archiveLeavesOutPresentLayers() throws Exception {
    OciLayout layout = OciLayout.create(dir);
    Image image = ImageReader.read(layout, LayoutImages.writeLayered(layout, "one", "a", "a"));
    Digest top = image.layers().get(1).blob().digest();

    Map<String, byte[]> entries = entries(new LoadArchive(layout, image, "slipway/x/app:1", 1));

    assertThat(entries.keySet())
        .containsExactly(
            "manifest.json", image.config().digest().hex() + ".json", top.hex() + "/layer.tar");
    assertThat(new String(entries.get("manifest.json"), StandardCharsets.UTF_8))
        .contains(image.layers().get(0).blob().digest().hex() + "/layer.tar");
  }

  private static Map<String, byte[]> entries(LoadArchive archive) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    archive.writeTo(out);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        entries.put(entry.getName(), tar.readAllBytes());
      }
    }
    return entries;
  }
}
