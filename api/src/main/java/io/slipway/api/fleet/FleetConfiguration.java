package io.slipway.api.fleet;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Provides the device-type list that fleets, registration and the registry policy share. */
@Configuration(proxyBeanMethods = false)
public class FleetConfiguration {

  @Bean
  DeviceTypeCatalog deviceTypeCatalog() {
    return DeviceTypeCatalog.builtIn();
  }
}
