package io.slipway.api.build;

import io.slipway.api.config.SlipwayProperties;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import io.slipway.builder.pipeline.PipelineException;
import io.slipway.builder.pipeline.RegistryAccess;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/**
 * The pipeline's way into this server's own registry: engines push to {@code 127.0.0.1} on the
 * server's own port (or {@code slipway.builder.registry}), with a {@link BuilderSecrets builder
 * secret} of the build's fleet as the password. Safe for concurrent use.
 */
@Component
public class ServerRegistryAccess implements RegistryAccess {

  private final BuilderSecrets secrets;
  private final FleetRepository fleets;
  private final ApplicationContext context;
  private final String configured;
  private final URI publicUrl;

  public ServerRegistryAccess(
      BuilderSecrets secrets,
      FleetRepository fleets,
      ApplicationContext context,
      BuilderProperties builder,
      SlipwayProperties properties) {
    this.secrets = secrets;
    this.fleets = fleets;
    this.context = context;
    this.configured =
        builder.registry() == null || builder.registry().isBlank()
            ? null
            : builder.registry().strip();
    this.publicUrl = properties.registry().publicUrl();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException before the web server listens, when no registry is configured
   */
  @Override
  public String registry() {
    if (configured != null) {
      return configured;
    }
    if (context instanceof WebServerApplicationContext web && web.getWebServer() != null) {
      int port = web.getWebServer().getPort();
      if (port > 0) {
        return "127.0.0.1:" + port;
      }
    }
    throw new IllegalStateException(
        "The server does not listen yet, so the builder has no registry address; set"
            + " slipway.builder.registry");
  }

  /**
   * Returns the registry host that release images name: the authority of {@code
   * slipway.registry.public-url} when set, which devices pull from, else {@link #registry()}.
   */
  public String imageHost() {
    if (publicUrl == null) {
      return registry();
    }
    String host = publicUrl.getHost().toLowerCase(Locale.ROOT);
    return publicUrl.getPort() < 0 ? host : host + ":" + publicUrl.getPort();
  }

  /**
   * Returns a client of this server's own registry that acts for the builder of fleet {@code
   * fleetRepository} ({@code ORG/FLEET}), with a builder secret that lives {@code secretLifetime}.
   * Server steps that read or write the fleet's images outside a build use it.
   *
   * @param requestTimeout the limit of each registry request, from sending to the end of the
   *     headers
   * @throws PipelineException when the fleet does not exist
   */
  public RegistryClient client(
      String fleetRepository, Duration secretLifetime, Duration requestTimeout) {
    return new RegistryClient(
        registry(), credentials(fleetRepository, secretLifetime), requestTimeout);
  }

  /**
   * {@inheritDoc}
   *
   * @throws PipelineException when the fleet does not exist
   */
  @Override
  public RegistryCredentials credentials(String fleetRepository, Duration lifetime) {
    int slash = fleetRepository.indexOf('/');
    Fleet fleet =
        (slash < 0
                ? java.util.Optional.<Fleet>empty()
                : fleets.findBySlugs(
                    fleetRepository.substring(0, slash), fleetRepository.substring(slash + 1)))
            .orElseThrow(
                () ->
                    new PipelineException(
                        "Fleet '"
                            + fleetRepository
                            + "' does not exist; it may have been deleted"));
    Duration capped =
        lifetime.compareTo(BuilderSecrets.MAX_LIFETIME) > 0
            ? BuilderSecrets.MAX_LIFETIME
            : lifetime;
    BuilderSecrets.Secret secret = secrets.issue(fleet.id(), capped);
    return new RegistryCredentials(Identity.BUILDER_SUBJECT, secret.value());
  }
}
