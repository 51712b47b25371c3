package io.slipway.builder.pipeline;

import io.slipway.builder.BuildResult;
import io.slipway.builder.plan.BaseImageResolver;
import io.slipway.builder.registry.RegistryCredentials;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The registry operations of the release pipeline other than the engines' pushes: pinning base
 * images, checking that a cached manifest is still there, and pushing each service's image index.
 * Every call takes the credentials of the partition or step that makes it, so none are kept.
 *
 * <p>Implementations must be safe for concurrent use.
 */
public interface ReleaseRegistry {

  /**
   * Returns a resolver that pins base images to their per-platform manifests with {@code
   * credentials}.
   */
  BaseImageResolver baseImages(RegistryCredentials credentials);

  /**
   * Returns the digest of the manifest or index that {@code reference} names in {@code repository},
   * or empty when the registry has none.
   *
   * @param reference a tag or a digest
   * @throws io.slipway.builder.BuildException when the registry cannot be reached or returns an
   *     error
   */
  Optional<String> manifestDigest(
      String repository, String reference, RegistryCredentials credentials);

  /**
   * Pushes an OCI image index over {@code manifests} to {@code repository} under {@code tag}, with
   * the revision and creation annotations.
   *
   * @param repository the service's repository, which has every manifest
   * @param tag the release version
   * @param manifests one per platform
   * @param revision the source commit, or null for none
   * @param created the creation time for the annotation
   * @return the index digest
   * @throws io.slipway.builder.BuildException when a manifest is missing or the push fails
   */
  String pushIndex(
      String repository,
      String tag,
      List<BuildResult> manifests,
      String revision,
      Instant created,
      RegistryCredentials credentials);
}
