package io.slipway.api.signature;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.Referrer;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.signing.bundle.Bundle;
import io.slipway.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signature layouts in Slipway's own registry, which has the referrers API: bundles are found
 * through it and no fallback tag is written. The client logs in as a developer of the fleet, as a
 * person pushing images would.
 */
class SignatureLayoutsIT extends SignatureLayoutsContract {

  @TempDir static Path dataDirectory;

  private ReleaseWorld world;
  private RegistryClient client;
  private String repository;

  @BeforeAll
  void startServer() {
    world = ReleaseWorld.start(TestDatabase.h2(), dataDirectory);
    TestFleet fleet = world.newFleet();
    String registry = world.context().getBean(ServerRegistryAccess.class).registry();
    RegistryCredentials developer =
        new RegistryCredentials("developer-" + fleet.slug(), fleet.developer());
    client = new RegistryClient(registry, developer, Duration.ofSeconds(30));
    repository = fleet.org() + "/" + fleet.slug() + "/web";
  }

  @AfterAll
  void stopServer() {
    if (world != null) {
      world.close();
    }
  }

  @Override
  RegistryClient client() {
    return client;
  }

  @Override
  String repository() {
    return repository;
  }

  @Override
  List<String> referrers(Descriptor subject) {
    return client.referrers(repository, subject.digest(), Bundle.MEDIA_TYPE).orElseThrow().stream()
        .map(Referrer::digest)
        .toList();
  }

  @Test
  void referrersApiListsTheBundleWithoutFallbackTag() {
    Descriptor subject = pushImage();

    layouts.attachBundle(client, repository, subject, SignatureFixtures.bundle("api"));

    List<Referrer> listed =
        client.referrers(repository, subject.digest(), Bundle.MEDIA_TYPE).orElseThrow();
    assertThat(listed)
        .singleElement()
        .extracting(Referrer::artifactType)
        .isEqualTo(Bundle.MEDIA_TYPE);
    assertThat(listed.get(0).annotations())
        .containsEntry("org.opencontainers.image.created", "2026-03-04T05:06:07Z");
    assertThat(client.findManifest(repository, subject.digest().replace(':', '-'))).isEmpty();
  }
}
