package io.slipway.builder.pipeline;

import io.slipway.builder.BuildResult;
import io.slipway.builder.plan.BaseImageResolver;
import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.IndexWriter;
import io.slipway.builder.registry.PlatformNotFoundException;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.builder.registry.RegistryException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The release pipeline's registry operations over {@link RegistryClient} and {@link IndexWriter},
 * with a new client per call so that each uses the credentials it is given. Immutable and safe for
 * concurrent use.
 */
public final class ClientReleaseRegistry implements ReleaseRegistry {

  private static final int NOT_FOUND = 404;

  private final Supplier<String> registry;
  private final Duration timeout;

  /**
   * @param registry the registry as {@code host:port}
   * @param timeout the limit for each request, from sending to the end of the headers
   */
  public ClientReleaseRegistry(String registry, Duration timeout) {
    this(supplier(registry), timeout);
  }

  /**
   * @param registry supplies the registry as {@code host:port} at each call, for a server that
   *     learns its own port only once it listens
   * @param timeout the limit for each request, from sending to the end of the headers
   */
  public ClientReleaseRegistry(Supplier<String> registry, Duration timeout) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  private static Supplier<String> supplier(String registry) {
    Objects.requireNonNull(registry, "registry");
    return () -> registry;
  }

  @Override
  public BaseImageResolver baseImages(RegistryCredentials credentials) {
    RegistryClient client = client(credentials);
    return (image, platform) -> {
      try {
        return Optional.of(client.resolve(image, platform));
      } catch (PlatformNotFoundException e) {
        return Optional.empty();
      } catch (RegistryException e) {
        if (e.status() == NOT_FOUND) {
          return Optional.empty();
        }
        throw e;
      }
    };
  }

  @Override
  public Optional<String> manifestDigest(
      String repository, String reference, RegistryCredentials credentials) {
    return client(credentials).headManifest(repository, reference).map(Descriptor::digest);
  }

  @Override
  public String pushIndex(
      String repository,
      String tag,
      List<BuildResult> manifests,
      String revision,
      Instant created,
      RegistryCredentials credentials) {
    List<Descriptor> descriptors =
        manifests.stream()
            .map(m -> new Descriptor(m.mediaType(), m.digest(), m.size(), m.platform()))
            .toList();
    IndexWriter writer = new IndexWriter(client(credentials));
    return writer.write(repository, tag, descriptors, revision, created).digest();
  }

  private RegistryClient client(RegistryCredentials credentials) {
    return new RegistryClient(registry.get(), credentials, timeout);
  }
}
