package io.slipway.systemtest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.systemtest.image.Digests;
import io.slipway.systemtest.image.OciLayoutReader;
import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.process.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An agent's data directory read from outside, as a test checks it after a crash: the committed
 * release in {@code current-release.json} and its images in the OCI image layout {@code images/},
 * which skopeo and umoci must both be able to read.
 */
final class AgentDataDirectory {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;

  AgentDataDirectory(Path directory) {
    this.directory = directory;
  }

  Path path() {
    return directory;
  }

  /** Returns the committed release, or empty before the first one. */
  Optional<JsonNode> currentRelease() {
    Path file = directory.resolve("current-release.json");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the committed release " + file, e);
    }
  }

  /** Returns the committed release's id, or -1 before the first one. */
  long currentReleaseId() {
    return currentRelease().map(r -> r.path("releaseId").asLong()).orElse(-1L);
  }

  /**
   * Asserts that the committed release is whole. Every service's image is tagged in the layout by
   * an OCI manifest that is, or stands for, the signed one. Every blob it reaches, and the signed
   * manifest, are present with the content their digests name. skopeo and umoci both read it.
   */
  void assertCurrentReleaseComplete() {
    JsonNode release =
        currentRelease().orElseThrow(() -> new AssertionError("no release in " + directory));
    Path images = directory.resolve("images");
    OciLayoutReader layout = new OciLayoutReader(images);
    Iterator<Map.Entry<String, JsonNode>> services = release.path("services").fields();
    assertThat(services.hasNext()).as("services of %s", release).isTrue();

    while (services.hasNext()) {
      Map.Entry<String, JsonNode> service = services.next();
      String refName = service.getValue().path("refName").asText();
      String manifest = service.getValue().path("manifest").asText();
      String tagged = layout.taggedDigest(refName);
      assertThat(layout.signedManifest(tagged))
          .as("signed manifest of %s", service.getKey())
          .isEqualTo(manifest);
      assertThat(layout.mediaType(tagged))
          .as("media type of the manifest of %s", service.getKey())
          .isEqualTo("application/vnd.oci.image.manifest.v1+json");
      Set<String> blobs = new LinkedHashSet<>(layout.reachableDigests(refName));
      blobs.add(manifest);
      for (String digest : blobs) {
        assertThat(Digests.sha256(layout.blob(digest)))
            .as("blob %s of service %s", digest, service.getKey())
            .isEqualTo(digest);
      }
      assertReadable(images, refName);
    }
  }

  private static void assertReadable(Path images, String refName) {
    CommandResult skopeo =
        ExternalCommand.of("skopeo", "inspect", "oci:" + images + ":" + refName).run();
    assertThat(skopeo.succeeded()).as("skopeo reads %s: %s", refName, skopeo).isTrue();
    CommandResult umoci =
        ExternalCommand.of("umoci", "stat", "--image", images + ":" + refName).run();
    assertThat(umoci.succeeded()).as("umoci reads %s: %s", refName, umoci).isTrue();
  }
}
