package io.slipway.api.delta;

import io.slipway.delta.encode.DeltaMaker;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the delta settings and the maker that encodes deltas. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DeltaProperties.class)
public class DeltaConfiguration {

  /**
   * The delta maker. It is created on each use rather than at startup, so a maker that cannot be
   * created fails each delta, and devices pull in full, instead of stopping the server.
   */
  @Bean
  DeltaMaker deltaMaker() {
    return (source, sourceManifest, target, targetManifest, payload, scratch) ->
        DeltaMaker.standard()
            .make(source, sourceManifest, target, targetManifest, payload, scratch);
  }
}
