package io.slipway.api.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Adds Slipway's defaults as the lowest-precedence property source, so that any properties file,
 * environment variable or command-line argument overrides them.
 *
 * <p>Runs after the configuration files are loaded, because the default database URL depends on
 * {@code slipway.data-dir}, which may be set in any of them.
 */
public final class SlipwayDefaults implements EnvironmentPostProcessor, Ordered {

  /** Name of the property source this adds. */
  public static final String PROPERTY_SOURCE_NAME = "slipwayDefaults";

  /** H2 settings that make it accept the PostgreSQL dialect the migrations are written in. */
  // WRITE_DELAY=0 writes each commit out at once: H2's default delays it by up to 500 ms, so a
  // killed server forgot upload chunks it had already acknowledged.
  static final String H2_OPTIONS =
      ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=FALSE"
          + ";WRITE_DELAY=0";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    DataDirectory dataDirectory =
        DataDirectory.of(environment.getProperty("slipway.data-dir", DataDirectory.DEFAULT));

    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("spring.datasource.url", h2Url(dataDirectory));
    // Loopback only until an administrator chooses to expose the server.
    defaults.put("server.address", "127.0.0.1");
    defaults.put("spring.main.banner-mode", "off");
    // Clients such as skopeo and Jib try TLS first on a plain-HTTP port; Tomcat would log each
    // attempt with a stack trace.
    defaults.put("logging.level.org.apache.coyote.http11.Http11Processor", "WARN");
    // The embedded control broker logs a dozen INFO lines per start; the server logs its own.
    defaults.put("logging.level.com.hivemq", "WARN");
    // This filter reads form-encoded PUT, PATCH and DELETE bodies; registry uploads must reach the
    // registry servlet unread.
    defaults.put("spring.mvc.formcontent.filter.enabled", "false");
    defaults.put("spring.flyway.locations", "classpath:db/migration");
    // The OpenAPI document covers the two API trees only; no user interface is served.
    defaults.put("springdoc.api-docs.enabled", "true");
    defaults.put("springdoc.api-docs.path", "/api/v1/openapi.json");
    defaults.put("springdoc.paths-to-match", "/api/v1/**,/device/v1/**");
    defaults.put("springdoc.default-produces-media-type", "application/json");
    environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
  }

  /** Returns the JDBC URL of the H2 file database in {@code dataDirectory}. */
  static String h2Url(DataDirectory dataDirectory) {
    return "jdbc:h2:file:" + dataDirectory.h2Database() + H2_OPTIONS;
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
