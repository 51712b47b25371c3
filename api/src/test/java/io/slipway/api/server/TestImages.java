package io.slipway.api.server;

import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.context.ApplicationContext;

/**
 * Pushes a small single-platform OCI image into a repository of a running server's own registry,
 * with a builder secret of the repository's fleet, so that a release naming it can be signed and
 * finish {@code SUCCESS}. The image's bytes are fixed, so its digest is {@link #DIGEST} in every
 * repository and on every run. Its one layer is not a real file system: nothing runs it.
 */
public final class TestImages {

  /** Media type of the manifest. */
  public static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

  private static final byte[] CONFIG =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] LAYER = "a test layer\n".getBytes(StandardCharsets.UTF_8);
  private static final Manifest MANIFEST = Manifest.of(MANIFEST_TYPE, manifest());

  /** Digest of the pushed manifest. */
  public static final String DIGEST = MANIFEST.digest();

  private TestImages() {}

  /**
   * Pushes the image to {@code repository} ({@code ORG/FLEET/SERVICE}) of the server's registry and
   * returns its reference, {@code HOST/ORG/FLEET/SERVICE@DIGEST}, with the host that release images
   * name.
   */
  public static String push(ApplicationContext server, String repository) {
    return push(server, repository, LAYER, MANIFEST);
  }

  /**
   * Pushes an image like {@link #push(ApplicationContext, String)} whose one layer holds {@code
   * layerText}, so that its digest differs from {@link #DIGEST} and from other texts' images.
   */
  public static String push(ApplicationContext server, String repository, String layerText) {
    byte[] layer = layerText.getBytes(StandardCharsets.UTF_8);
    return push(server, repository, layer, Manifest.of(MANIFEST_TYPE, manifest(layer)));
  }

  private static String push(
      ApplicationContext server, String repository, byte[] layer, Manifest manifest) {
    ServerRegistryAccess access = server.getBean(ServerRegistryAccess.class);
    String fleet = repository.substring(0, repository.lastIndexOf('/'));
    RegistryClient client = access.client(fleet, Duration.ofMinutes(5), Duration.ofSeconds(30));
    client.pushBlob(repository, CONFIG);
    client.pushBlob(repository, layer);
    client.putManifest(repository, manifest.digest(), manifest);
    return access.imageHost() + "/" + repository + "@" + manifest.digest();
  }

  private static byte[] manifest() {
    return manifest(LAYER);
  }

  private static byte[] manifest(byte[] layer) {
    return ("{\"schemaVersion\":2,\"mediaType\":\""
            + MANIFEST_TYPE
            + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
            + "\"digest\":\""
            + Manifest.sha256(CONFIG)
            + "\",\"size\":"
            + CONFIG.length
            + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
            + "\"digest\":\""
            + Manifest.sha256(layer)
            + "\",\"size\":"
            + layer.length
            + "}]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
