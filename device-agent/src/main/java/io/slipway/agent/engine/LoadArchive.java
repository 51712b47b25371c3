package io.slipway.agent.engine;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.Layer;
import io.slipway.delta.layout.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes one image of an OCI layout as the archive {@code docker load} reads: {@code manifest.json}
 * naming the config, the tag and the layers, then the config and each layer blob as stored. Docker
 * 20.10 cannot load an OCI layout itself, but it accepts compressed layer blobs in this form and
 * checks them against the config's diff_ids. The archive is written as a stream, blob by blob from
 * the layout's files, so memory stays bounded whatever the image's size.
 *
 * <p>Not thread-safe; one archive per instance.
 */
final class LoadArchive {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final OciLayout layout;
  private final Image image;
  private final String tag;
  private final int presentLayers;

  /**
   * @param layout the layout that contains every blob of {@code image}
   * @param image the image, as read from the layout
   * @param tag the {@code repository:tag} the engine gives the loaded image
   * @param presentLayers how many layers, counted from the base, the engine has already; their
   *     files are left out
   */
  LoadArchive(OciLayout layout, Image image, String tag, int presentLayers) {
    if (presentLayers < 0 || presentLayers > image.layers().size()) {
      throw new IllegalArgumentException(
          "Present layer count "
              + presentLayers
              + " is outside 0 to "
              + image.layers().size()
              + " for image "
              + image.manifestDigest());
    }
    this.layout = layout;
    this.image = image;
    this.tag = tag;
    this.presentLayers = presentLayers;
  }

  /**
   * Writes the archive to {@code out} and finishes it; {@code out} stays open.
   *
   * @throws IOException when a blob cannot be read or {@code out} fails
   */
  void writeTo(OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);

    Set<Digest> layers = new LinkedHashSet<>();
    for (Layer layer : image.layers().subList(presentLayers, image.layers().size())) {
      layers.add(layer.blob().digest());
    }
    entry(tar, "manifest.json", manifestJson());
    entry(tar, configName(), image.configBytes());
    for (Digest layer : layers) {
      Path blob = layout.blobPath(layer);
      TarArchiveEntry entry = new TarArchiveEntry(layerName(layer));
      entry.setSize(Files.size(blob));
      tar.putArchiveEntry(entry);
      try (InputStream in = Files.newInputStream(blob)) {
        in.transferTo(tar);
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
  }

  private byte[] manifestJson() {
    ArrayNode root = JSON.createArrayNode();
    ObjectNode entry = root.addObject();
    entry.put("Config", configName());
    entry.putArray("RepoTags").add(tag);
    ArrayNode layerNames = entry.putArray("Layers");
    for (Layer layer : image.layers()) {
      layerNames.add(layerName(layer.blob().digest()));
    }
    return JSON.writeValueAsBytes(root);
  }

  private String configName() {
    return image.config().digest().hex() + ".json";
  }

  private static String layerName(Digest layer) {
    return layer.hex() + "/layer.tar";
  }

  private static void entry(TarArchiveOutputStream tar, String name, byte[] content)
      throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }
}
