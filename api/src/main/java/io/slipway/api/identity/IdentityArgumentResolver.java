package io.slipway.api.identity;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Supplies an {@link Identity} parameter of a controller method by authenticating the request.
 * Spring resolves parameters in declaration order, so declaring {@code Identity} first makes the
 * credentials checked before any other parameter is read.
 */
final class IdentityArgumentResolver implements HandlerMethodArgumentResolver {

  private final Authenticator authenticator;

  IdentityArgumentResolver(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType() == Identity.class;
  }

  @Override
  public Identity resolveArgument(
      MethodParameter parameter,
      ModelAndViewContainer container,
      NativeWebRequest request,
      WebDataBinderFactory binderFactory) {
    return authenticator.authenticate(request.getNativeRequest(HttpServletRequest.class));
  }
}
