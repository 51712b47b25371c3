package io.slipway.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Slipway server: the OCI registry under {@code /v2/}, its token endpoint under {@code
 * /auth/token}, and the HTTP API, in one Spring Boot application. Settings are under {@code
 * slipway.*}; see {@link io.slipway.api.config.SlipwayProperties}.
 */
@SpringBootApplication
public class SlipwayServer {

  /**
   * Starts the server and returns once it listens.
   *
   * @param args Spring Boot arguments, such as {@code --server.port=0} or {@code
   *     --slipway.data-dir=/var/lib/slipway}
   * @return the running application; closing it stops the server
   */
  public static ConfigurableApplicationContext start(String... args) {
    return new SpringApplication(SlipwayServer.class).run(args);
  }

  public static void main(String[] args) {
    start(args);
  }
}
