package io.slipway.api.signing;

import io.slipway.api.identity.Identity;
import io.slipway.signing.keystore.StoredKey;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Gives an empty key store one generated, active key at startup, audited as {@code
 * signing.key.generated} by {@code system:signing}.
 *
 * <p>It runs once every singleton exists, so after the database migrations and before the web
 * server accepts requests: no request ever finds the store empty on a first start.
 */
@Component
class FirstSigningKey implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(FirstSigningKey.class);

  private final SigningKeyService keys;

  FirstSigningKey(SigningKeyService keys) {
    this.keys = keys;
  }

  @Override
  public void afterSingletonsInstantiated() {
    Optional<StoredKey> generated = keys.generateFirst(Identity.system("signing"));
    generated.ifPresent(
        key ->
            log.info(
                "Generated the first signing key {} ({}) and made it active; devices read it from"
                    + " GET /device/v1/{uuid}/signing-keys",
                key.hint(),
                key.algorithm()));
  }
}
