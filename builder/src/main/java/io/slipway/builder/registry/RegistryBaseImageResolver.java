package io.slipway.builder.registry;

import io.slipway.builder.EngineException;
import io.slipway.builder.plan.BaseImageResolver;
import io.slipway.builder.platform.Platform;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins base images through a {@link RegistryClient}: an image missing from the registry, or present
 * without a manifest for the platform, resolves to empty. Thread-safe.
 */
public final class RegistryBaseImageResolver implements BaseImageResolver {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryBaseImageResolver.class);

  private final RegistryClient client;

  public RegistryBaseImageResolver(RegistryClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * {@inheritDoc}
   *
   * @throws EngineException when the registry cannot be reached
   * @throws RegistryException when it rejects the credentials or returns another unexpected status
   * @throws IllegalArgumentException when {@code image} is malformed or in another registry
   */
  @Override
  public Optional<String> resolve(String image, Platform platform) {
    try {
      return Optional.of(client.resolve(image, platform));
    } catch (PlatformNotFoundException e) {
      LOG.info("Base image {} has no manifest for {}: it has {}", image, platform, e.available());
      return Optional.empty();
    } catch (RegistryException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      if (e.status() == 0) {
        throw new EngineException(
            "Registry " + client.registry() + " is unreachable while resolving " + image, e);
      }
      throw e;
    }
  }
}
