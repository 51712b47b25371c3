package io.slipway.api.identity;

import java.util.Optional;

/**
 * Turns one kind of bearer secret, recognised by its prefix, into the identity it proves. One bean
 * per prefix; {@link Authenticator} picks the resolver by prefix before any lookup. Implementations
 * must be safe for concurrent use and compare secrets only through their hashes.
 */
public interface TokenResolver {

  /** Returns the prefix of the secrets this resolver handles, such as {@code slw_}. */
  String prefix();

  /**
   * Returns the identity that {@code secret} proves, or empty when no usable credential matches
   * (unknown, revoked or expired). May record the use.
   *
   * @param secret the whole secret as sent, prefix included
   * @throws io.slipway.api.error.ApiException for a known credential that may not be used now, with
   *     a code that gives the reason (for example a device that awaits approval)
   */
  Optional<Identity> resolve(String secret);
}
