package io.slipway.cli.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.cli.CliRun;
import io.slipway.delta.image.Digest;
import io.slipway.testing.registry.DistributionRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code slipway delta} against a real registry on 127.0.0.1 (the CNCF distribution registry,
 * Debian's {@code docker-registry}): images named by registry references, an index that needs
 * {@code --platform}, and the exit codes for an unknown tag and an unreachable registry.
 */
class DeltaRegistryIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path work;

  private DistributionRegistry registry;
  private RegistryClient client;
  private CliRun cli;

  @BeforeEach
  void start() throws IOException, InterruptedException {
    registry = DistributionRegistry.start(Files.createDirectories(work.resolve("registry")));
    client = new RegistryClient(registry.host(), null, Duration.ofSeconds(30));
    cli = new CliRun(Files.createDirectories(work.resolve("home")));
  }

  @AfterEach
  void stop() throws InterruptedException {
    registry.close();
  }

  @Test
  void registryImagesRoundTrip() throws IOException {
    Path layout = work.resolve("images");
    Digest base = LayoutFixture.image(layout, "1.0", "amd64", true, layer("1.0"));
    Digest target = LayoutFixture.image(layout, "1.1", "amd64", true, layer("1.1"));
    push(layout, base, "1.0");
    push(layout, target, "1.1");
    String repository = registry.host() + "/acme/sensors/web";

    CliRun.Result made =
        cli.run(
            "delta",
            "make",
            "--from",
            repository + ":1.0",
            "--to",
            repository + ":1.1",
            "-o",
            work.resolve("delta.bin").toString());
    CliRun.Result applied =
        cli.run(
            "delta",
            "apply",
            "--base",
            repository + "@" + base,
            "--delta",
            work.resolve("delta.bin").toString(),
            "--to",
            "oci:" + work.resolve("device") + ":web");

    assertThat(made.exitCode()).as(made.err()).isZero();
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(LayoutFixture.tagged(work.resolve("device"), "web")).isEqualTo(target);
  }

  @Test
  void registryIndexNeedsPlatform() throws IOException {
    Path layout = work.resolve("images");
    Digest amd64 = LayoutFixture.manifest(layout, "amd64", false, layer("1.0"));
    Digest arm64 = LayoutFixture.manifest(layout, "arm64", false, layer("arm 1.0"));
    Digest index = LayoutFixture.index(layout, "1.0", platforms(amd64, arm64));
    Digest target = LayoutFixture.image(layout, "1.1", "arm64", false, layer("arm 1.1"));
    push(layout, amd64, null);
    push(layout, arm64, null);
    client.putManifest(
        "acme/sensors/web", "1.0", Manifest.of(LayoutFixture.INDEX_TYPE, blob(layout, index)));
    push(layout, target, "1.1");
    String repository = registry.host() + "/acme/sensors/web";

    CliRun.Result unchosen =
        cli.run(
            "delta",
            "make",
            "--from",
            repository + ":1.0",
            "--to",
            repository + ":1.1",
            "-o",
            work.resolve("delta.bin").toString());
    CliRun.Result chosen =
        cli.run(
            "delta",
            "make",
            "--from",
            repository + ":1.0",
            "--to",
            repository + ":1.1",
            "-o",
            work.resolve("delta.bin").toString(),
            "--platform",
            "linux/arm64");

    assertThat(unchosen.exitCode()).isEqualTo(2);
    assertThat(unchosen.err()).contains("linux/amd64, linux/arm64");
    assertThat(chosen.exitCode()).as(chosen.err()).isZero();
    assertThat(chosen.out()).contains(arm64.value()).contains(target.value());
  }

  @Test
  void unknownTagIsBadInput() {
    String repository = registry.host() + "/acme/sensors/web";

    CliRun.Result made =
        cli.run(
            "delta",
            "make",
            "--from",
            repository + ":0.1",
            "--to",
            repository + ":0.2",
            "-o",
            work.resolve("delta.bin").toString());

    assertThat(made.exitCode()).isEqualTo(2);
    assertThat(made.err()).contains(repository + ":0.1").contains("does not exist");
  }

  @Test
  void unreachableRegistryExitsWithFour() throws IOException {
    String closed = "127.0.0.1:" + closedPort() + "/acme/sensors/web";

    CliRun.Result made =
        cli.run(
            "delta",
            "make",
            "--from",
            closed + ":1.0",
            "--to",
            closed + ":1.1",
            "-o",
            work.resolve("delta.bin").toString());

    assertThat(made.exitCode()).isEqualTo(4);
    assertThat(made.err()).contains("could not be reached");
  }

  /** Pushes the image {@code manifest} of {@code layout}: its config and layers, then itself. */
  private void push(Path layout, Digest manifest, String tag) throws IOException {
    byte[] bytes = blob(layout, manifest);
    JsonNode document = JSON.readTree(bytes);
    client.pushBlob(
        "acme/sensors/web",
        blob(layout, Digest.of(document.path("config").path("digest").asString())));
    for (JsonNode layer : document.path("layers")) {
      client.pushBlob("acme/sensors/web", blob(layout, Digest.of(layer.path("digest").asString())));
    }
    client.putManifest(
        "acme/sensors/web",
        tag == null ? manifest.value() : tag,
        Manifest.of(LayoutFixture.MANIFEST_TYPE, bytes));
  }

  private static byte[] blob(Path layout, Digest digest) throws IOException {
    return Files.readAllBytes(LayoutFixture.blobPath(layout, digest));
  }

  private static byte[] layer(String version) {
    Map<String, byte[]> files = LayoutFixture.jdkFiles("libjava.so", "libzip.so");
    files.put("etc/version", ("version " + version + "\n").getBytes(StandardCharsets.UTF_8));
    return LayoutFixture.tar(files, 1_700_000_000L);
  }

  /** Returns a loopback port that was free a moment ago and has no listener now. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Map<String, Digest> platforms(Digest amd64, Digest arm64) {
    Map<String, Digest> platforms = new LinkedHashMap<>();
    platforms.put("amd64", amd64);
    platforms.put("arm64", arm64);
    return platforms;
  }
}
