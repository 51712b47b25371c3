package io.slipway.api.registry;

import io.slipway.api.identity.Identity;
import io.slipway.registry.auth.Scope;
import java.util.List;

/**
 * Decides which of the requested registry scopes a client receives in its token.
 *
 * <p>Implementations return a subset of {@code requested}, possibly with fewer actions per scope; a
 * scope the identity may not have is left out rather than rejected, as the Docker registry token
 * protocol expects. Implementations must be safe for concurrent use.
 */
public interface RegistryGrantPolicy {

  /**
   * Returns the scopes {@code who} is granted out of {@code requested}.
   *
   * @param who the authenticated identity, or {@link Identity#anonymous()} for a request without
   *     credentials
   * @param requested the scopes of the token request, possibly empty
   */
  List<Scope> grant(Identity who, List<Scope> requested);
}
