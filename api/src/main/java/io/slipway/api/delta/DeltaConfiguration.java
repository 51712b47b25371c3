package io.slipway.api.delta;

import io.slipway.delta.encode.DeltaMaker;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the delta settings and the maker that encodes deltas. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DeltaProperties.class)
public class DeltaConfiguration {

  /** Returns the standard delta maker, which is thread-safe and gives each call its own pool. */
  @Bean
  DeltaMaker deltaMaker() {
    return DeltaMaker.standard();
  }
}
