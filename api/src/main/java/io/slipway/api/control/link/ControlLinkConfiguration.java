package io.slipway.api.control.link;

import io.slipway.api.control.ControlProperties;
import io.slipway.api.control.broker.ControlBroker;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Creates the server's {@link ControlLink} when the control channel is on ({@code
 * slipway.control.enabled}, true by default). The link reads its connection details from the {@link
 * ControlBroker} bean at each connect attempt, so it works whichever broker is configured and
 * whenever that broker finishes starting. Without a broker bean the link stays off.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ControlProperties.class)
class ControlLinkConfiguration {

  /**
   * Prefix of the server's MQTT client id; a random suffix keeps servers sharing a broker apart.
   */
  static final String CLIENT_ID_PREFIX = "slipway-server-";

  @Bean
  @ConditionalOnProperty(
      prefix = "slipway.control",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  PahoControlLink controlLink(ObjectProvider<ControlBroker> brokers, Clock clock) {
    return new PahoControlLink(
        () -> {
          ControlBroker broker = brokers.getIfAvailable();
          return broker == null ? null : broker.serverLink();
        },
        newClientId(),
        clock);
  }

  private static String newClientId() {
    byte[] suffix = new byte[6];
    new SecureRandom().nextBytes(suffix);
    return CLIENT_ID_PREFIX + HexFormat.of().formatHex(suffix);
  }
}
