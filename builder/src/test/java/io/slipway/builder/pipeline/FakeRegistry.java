package io.slipway.builder.pipeline;

import io.slipway.builder.BuildResult;
import io.slipway.builder.plan.BaseImageResolver;
import io.slipway.builder.registry.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry in memory, for pipeline tests whose engines are test engines: it records the manifests
 * they push and the indexes the pipeline pushes. Safe for concurrent use.
 */
final class FakeRegistry implements ReleaseRegistry, RegistryAccess {

  static final String HOST = "127.0.0.1:5999";

  private final Set<String> manifests = ConcurrentHashMap.newKeySet();

  private final Map<String, String> tags = new ConcurrentHashMap<>();

  /** Index digest by {@code repository:tag}. */
  final Map<String, String> indexes = new ConcurrentHashMap<>();

  /** Records that {@code repository} has manifest {@code digest}. */
  void pushManifest(String repository, String digest) {
    manifests.add(repository + "@" + digest);
  }

  /** Records that {@code repository} has manifest {@code digest} under {@code tag}. */
  void pushTagged(String repository, String tag, String digest) {
    pushManifest(repository, digest);
    tags.put(repository + ":" + tag, digest);
  }

  /** Forgets every manifest, as if the registry had been emptied. */
  void deleteManifests() {
    manifests.clear();
  }

  @Override
  public String registry() {
    return HOST;
  }

  @Override
  public RegistryCredentials credentials(String fleetRepository, java.time.Duration lifetime) {
    return new RegistryCredentials("slb-test", "secret-for-" + fleetRepository);
  }

  @Override
  public BaseImageResolver baseImages(RegistryCredentials credentials) {
    return (image, platform) -> Optional.empty();
  }

  @Override
  public Optional<String> manifestDigest(
      String repository, String reference, RegistryCredentials credentials) {
    String digest = tags.getOrDefault(repository + ":" + reference, reference);
    return manifests.contains(repository + "@" + digest) ? Optional.of(digest) : Optional.empty();
  }

  @Override
  public String pushIndex(
      String repository,
      String tag,
      List<BuildResult> results,
      String revision,
      Instant created,
      RegistryCredentials credentials) {
    StringBuilder content = new StringBuilder(repository).append(revision).append(created);
    for (BuildResult result : results) {
      if (manifestDigest(repository, result.digest(), credentials).isEmpty()) {
        throw new IllegalStateException(repository + " lacks " + result.digest());
      }
      content.append(result.platform()).append(result.digest());
    }
    String digest = sha256(content.toString());
    indexes.put(repository + ":" + tag, digest);
    return digest;
  }

  static String sha256(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
