package io.slipway.api.control.broker;

import io.slipway.api.config.DataDirectory;
import io.slipway.api.config.SlipwayProperties;
import io.slipway.api.control.ControlProperties;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Creates and starts the control channel's broker when {@code slipway.control.enabled} is true (the
 * default): the embedded HiveMQ for {@code slipway.control.broker=embedded}, an external broker for
 * {@code external}. The broker starts with the application context, so bad settings stop the server
 * at startup, and stops with it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ControlProperties.class)
public class ControlBrokerConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ControlBrokerConfiguration.class);

  /** Rejects every device. Used when the control plane provides no DeviceAdmission bean. */
  static final DeviceAdmission ADMITS_NOBODY = (uuid, key) -> false;

  /**
   * The started broker. The control plane's {@link DeviceAdmission} bean is looked up lazily rather
   * than declared as a conditional default here, because a bean condition in a component scanned
   * configuration depends on the order the classes are read in.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnBooleanProperty(name = "slipway.control.enabled", matchIfMissing = true)
  ControlBroker controlBroker(
      ControlProperties control,
      SlipwayProperties slipway,
      DataDirectory dataDirectory,
      ObjectProvider<DeviceAdmission> admission) {
    ControlBroker broker =
        switch (control.broker()) {
          case "embedded" -> embedded(control, slipway, dataDirectory, admission);
          case "external" -> external(control);
          default ->
              throw new ControlBrokerException(
                  "Unknown slipway.control.broker '"
                      + control.broker()
                      + "': use 'embedded' (HiveMQ inside the server) or 'external' (Mosquitto)");
        };
    try {
      broker.start();
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  private static ControlBroker embedded(
      ControlProperties control,
      SlipwayProperties slipway,
      DataDirectory dataDirectory,
      ObjectProvider<DeviceAdmission> admission) {
    URI publicUrl = slipway.registry().publicUrl();
    String publicHost = publicUrl == null ? null : publicUrl.getHost();
    EmbeddedBrokerSettings settings =
        new EmbeddedBrokerSettings(
            control.embedded(), control.deviceUrl(), publicHost, dataDirectory.root());
    DeviceAdmission decision =
        admission.getIfUnique(
            () -> {
              log.warn("No DeviceAdmission bean found, so the control broker rejects every device");
              return ADMITS_NOBODY;
            });
    return new EmbeddedBroker(settings, decision);
  }

  /**
   * Creates the external broker, which Slipway configures through Mosquitto's dynamic security. Its
   * constructor rejects missing or invalid {@code slipway.control.external.*} settings by name.
   */
  private static ControlBroker external(ControlProperties control) {
    return new ExternalMosquittoBroker(control.external(), control.deviceUrl());
  }
}
