package io.slipway.builder.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.testing.registry.DistributionRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client against Debian's {@code docker-registry} 2.8, which has no referrers API and
 * no authentication.
 */
class RegistryClientOnDistributionIT {

  private static final String REPOSITORY = "acme/devices/web";

  @TempDir static Path directory;

  private static DistributionRegistry registry;
  private static RegistryClient client;

  @BeforeAll
  static void start() throws Exception {
    registry = DistributionRegistry.start(directory);
    client = new RegistryClient(registry.host(), null, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void referrersIsEmptyWithoutTheApi() {
    String digest = client.pushBlob(REPOSITORY, "{}".getBytes(StandardCharsets.UTF_8));

    assertThat(client.referrers(REPOSITORY, digest, null)).isEmpty();
  }

  @Test
  void pushBlobUploadsMonolithically() {
    byte[] content = "a simple-signing payload".getBytes(StandardCharsets.UTF_8);

    String digest = client.pushBlob(REPOSITORY, content);

    assertThat(digest).isEqualTo(Manifest.sha256(content));
    assertThat(client.readBlob(REPOSITORY, digest)).isEqualTo(content);
  }

  @Test
  void findManifestOfMissingTagIsEmpty() {
    client.pushBlob(REPOSITORY, "{}".getBytes(StandardCharsets.UTF_8));

    assertThat(client.findManifest(REPOSITORY, "sha256-" + "2".repeat(64))).isEmpty();
    assertThat(client.findManifest("acme/nothing", "latest")).isEmpty();
  }

  @Test
  void putManifestThenFindManifestByTag() {
    String config = client.pushBlob(REPOSITORY, "{}".getBytes(StandardCharsets.UTF_8));
    String json =
        """
        {"schemaVersion":2,"mediaType":"%s",\
        "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},\
        "layers":[]}"""
            .formatted(MediaTypes.OCI_MANIFEST, config);
    Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8));

    client.putManifest(REPOSITORY, "empty", manifest);

    assertThat(client.findManifest(REPOSITORY, "empty")).hasValue(manifest);
  }
}
