package io.slipway.api.identity;

import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Lets controller methods declare the caller as an {@link Identity} parameter. */
@Configuration(proxyBeanMethods = false)
class IdentityWebConfiguration implements WebMvcConfigurer {

  private final Authenticator authenticator;

  IdentityWebConfiguration(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(new IdentityArgumentResolver(authenticator));
  }
}
