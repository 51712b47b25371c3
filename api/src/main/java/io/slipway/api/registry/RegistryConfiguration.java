package io.slipway.api.registry;

import io.slipway.api.config.DataDirectory;
import io.slipway.api.config.RegistryProperties;
import io.slipway.api.config.SlipwayProperties;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.organization.OrganizationRepository;
import io.slipway.api.registry.token.RegistryTokenIssuer;
import io.slipway.api.registry.token.TokenSigningKey;
import io.slipway.registry.Registry;
import io.slipway.registry.RegistrySettings;
import io.slipway.registry.auth.TokenVerifier;
import io.slipway.storage.BlobStore;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Mounts the OCI registry servlet at {@code /v2/*} and provides the token signing key, issuer and
 * verifier it shares with the token endpoint.
 *
 * <p>The registry is a plain servlet beside Spring MVC's dispatcher, so no MVC handler, multipart
 * resolver or message converter touches its multi-GiB request bodies.
 */
@Configuration(proxyBeanMethods = false)
public class RegistryConfiguration {

  /** Path of the token endpoint, relative to the server root. */
  public static final String TOKEN_PATH = "/auth/token";

  private static final Logger log = LoggerFactory.getLogger(RegistryConfiguration.class);

  @Bean
  TokenSigningKey registryTokenSigningKey(DataDirectory dataDirectory) {
    return TokenSigningKey.loadOrGenerate(dataDirectory.tokenSigningKey());
  }

  @Bean
  RegistryTokenIssuer registryTokenIssuer(TokenSigningKey key, Clock clock) {
    return new RegistryTokenIssuer(key, clock);
  }

  @Bean
  TokenVerifier registryTokenVerifier(TokenSigningKey key, Clock clock) {
    return new TokenVerifier(
        key.publicKey(), RegistryTokenIssuer.ISSUER, RegistryTokenIssuer.SERVICE, clock);
  }

  @Bean
  RegistryGrantPolicy registryGrantPolicy(
      RegistrySettings settings, OrganizationRepository organizations, FleetRepository fleets) {
    return new StandardRegistryGrantPolicy(
        settings.anonymousPull(), new DatabaseRegistryMemberships(organizations, fleets));
  }

  @Bean
  RegistrySettings registrySettings(SlipwayProperties properties) {
    RegistryProperties registry = properties.registry();
    List<RegistrySettings.Mirror> mirrors =
        registry.mirrors().stream().map(RegistryProperties.MirrorProperties::toMirror).toList();
    RegistrySettings settings =
        new RegistrySettings(
            authRealm(registry.publicUrl()),
            RegistryTokenIssuer.SERVICE,
            registry.anonymousPull(),
            registry.maxUploadBytes(),
            RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES,
            mirrors);
    log.info(
        "Registry: token realm {}, anonymous pull {}, max upload {} bytes, mirrors {}",
        settings.authRealm(),
        settings.anonymousPull() ? "on" : "off",
        settings.maxUploadBytes(),
        settings.mirrors());
    return settings;
  }

  /**
   * Returns the token endpoint URL under {@code publicUrl}, or the relative {@code /auth/token}
   * without one; the registry resolves a relative realm against each request's own host.
   */
  static URI authRealm(URI publicUrl) {
    if (publicUrl == null) {
      return URI.create(TOKEN_PATH);
    }
    String base = publicUrl.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + TOKEN_PATH);
  }

  @Bean
  Registry registry(
      RegistrySettings settings,
      BlobStore blobStore,
      DataSource dataSource,
      TokenVerifier tokenVerifier,
      Clock clock,
      ObjectProvider<FlywayMigrationInitializer> migrations) {
    // Spring starts the web server, and with it the registry servlet, before it creates ordinary
    // beans. Requesting the initializer here runs the migrations first, because the registry
    // needs them.
    migrations.ifAvailable(initializer -> {});

    return Registry.builder()
        .settings(settings)
        .blobStore(blobStore)
        .dataSource(dataSource)
        .tokenVerifier(tokenVerifier)
        .clock(clock)
        .build();
  }

  @Bean
  ServletRegistrationBean<HttpServlet> registryServlet(Registry registry) {
    // A "/v2/*" mapping also matches "/v2" and "/v2/" (Servlet specification, section 12.2).
    ServletRegistrationBean<HttpServlet> registration =
        new ServletRegistrationBean<>(registry.servlet(), "/v2/*");
    registration.setName("registry");
    registration.setLoadOnStartup(1);
    registration.setAsyncSupported(true);
    return registration;
  }
}
