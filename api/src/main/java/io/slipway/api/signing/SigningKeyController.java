package io.slipway.api.signing;

import io.slipway.api.access.AccessControl;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The server's signing keys at {@code /api/v1/signing/keys}. Every signed-in user may list them,
 * since they show only public keys; generating, importing and changing a key's state is for server
 * administrators. A key's {@code id} in paths is its hint in URL-safe base64 ({@link
 * KeyHint#urlSafe()}).
 */
@RestController
class SigningKeyController {

  private static final String KEYS = "/api/v1/signing/keys";

  private final AccessControl access;
  private final SigningKeyService keys;

  SigningKeyController(AccessControl access, SigningKeyService keys) {
    this.access = access;
    this.keys = keys;
  }

  /**
   * Body of {@code POST /api/v1/signing/keys}.
   *
   * @param algorithm {@code ECDSA_P256} or {@code ED25519}; null for the configured algorithm
   * @param expiresAt end of the key's validity in milliseconds since the epoch; null for the
   *     configured key lifetime
   */
  record GenerateRequest(String algorithm, Long expiresAt) {}

  /**
   * Body of {@code POST /api/v1/signing/keys/import}. It carries a private key, so {@link
   * #toString()} hides it.
   *
   * @param privateKeyPem an unencrypted PKCS#8 PEM block of an ECDSA P-256 or Ed25519 key
   * @param expiresAt as for {@link GenerateRequest}
   */
  record ImportRequest(String privateKeyPem, Long expiresAt) {
    @Override
    public String toString() {
      return "ImportRequest[privateKeyPem=****, expiresAt=" + expiresAt + "]";
    }
  }

  @GetMapping(KEYS)
  List<SigningKeyBody> list(Identity who) {
    access.requireUser(who);
    return keys.list().stream().map(SigningKeyBody::of).toList();
  }

  @PostMapping(KEYS)
  @ResponseStatus(HttpStatus.CREATED)
  SigningKeyBody generate(Identity who, @RequestBody(required = false) GenerateRequest body) {
    access.requireServerAdmin(who);
    GenerateRequest request = body == null ? new GenerateRequest(null, null) : body;
    return SigningKeyBody.of(
        keys.generate(who, algorithm(request.algorithm()), instant(request.expiresAt())));
  }

  @PostMapping(KEYS + "/import")
  @ResponseStatus(HttpStatus.CREATED)
  SigningKeyBody importKey(Identity who, @RequestBody ImportRequest body) {
    access.requireServerAdmin(who);
    return SigningKeyBody.of(keys.importKey(who, body.privateKeyPem(), instant(body.expiresAt())));
  }

  @PostMapping(KEYS + "/{id}/activate")
  SigningKeyBody activate(Identity who, @PathVariable String id) {
    access.requireServerAdmin(who);
    return SigningKeyBody.of(keys.activate(who, hint(id)));
  }

  @PostMapping(KEYS + "/{id}/retire")
  SigningKeyBody retire(Identity who, @PathVariable String id) {
    access.requireServerAdmin(who);
    return SigningKeyBody.of(keys.retire(who, hint(id)));
  }

  @PostMapping(KEYS + "/{id}/revoke")
  SigningKeyBody revoke(Identity who, @PathVariable String id) {
    access.requireServerAdmin(who);
    return SigningKeyBody.of(keys.revoke(who, hint(id)));
  }

  private static KeyHint hint(String id) {
    try {
      return KeyHint.fromUrlSafe(id);
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER,
          e.getMessage() + "; take the 'id' of a key from GET /api/v1/signing/keys");
    }
  }

  private static KeyAlgorithm algorithm(String name) {
    if (name == null) {
      return null;
    }
    try {
      return KeyAlgorithm.valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Algorithm '"
              + name
              + "' is not supported: send one of "
              + Arrays.toString(KeyAlgorithm.values())
              + ", or none for the server's default");
    }
  }

  private static Instant instant(Long epochMillis) {
    return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
  }
}
