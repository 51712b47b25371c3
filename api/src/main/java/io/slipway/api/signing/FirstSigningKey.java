package io.slipway.api.signing;

import io.slipway.api.identity.Identity;
import io.slipway.signing.keystore.KeyState;
import io.slipway.signing.keystore.StoredKey;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Gives an empty key store one generated, active key at startup, audited as {@code
 * signing.key.generated} by {@code system:signing}. A store with keys but no active one is left as
 * it is, with a warning, because an administrator retired or revoked its keys on purpose.
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
    if (generated.isPresent()) {
      log.info(
          "Generated the first signing key {} ({}) and made it active; devices read it from"
              + " GET /device/v1/{uuid}/signing-keys",
          generated.get().hint(),
          generated.get().algorithm());
      return;
    }
    boolean active = keys.list().stream().anyMatch(key -> key.state() == KeyState.ACTIVE);
    if (!active) {
      log.warn(
          "No signing key is active, so target states and pins cannot be signed; an administrator"
              + " must activate or generate one at /api/v1/signing/keys");
    }
  }
}
