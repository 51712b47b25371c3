package io.slipway.api.provisioning;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Provisioning keys of a fleet: {@code GET|POST
 * /api/v1/orgs/{org}/fleets/{fleet}/provisioning-keys} and {@code DELETE .../{id}} (revoke). Every
 * call takes {@code PROVISIONING_KEY_MANAGE}. The secret appears only in the response to {@code
 * POST}.
 */
@RestController
@RequestMapping("/api/v1/orgs/{org}/fleets/{fleet}/provisioning-keys")
public class ProvisioningKeyController {

  private final AccessControl access;
  private final ProvisioningKeyService service;
  private final Clock clock;

  public ProvisioningKeyController(
      AccessControl access, ProvisioningKeyService service, Clock clock) {
    this.access = access;
    this.service = service;
    this.clock = clock;
  }

  /** Body of {@code POST}; expiry in milliseconds since the epoch. */
  record CreateKey(String name, Long expiresAt, Long maxUses) {}

  /** A key as listed: never its secret. */
  record KeyView(
      long id,
      String name,
      String createdBy,
      long createdAt,
      Long expiresAt,
      Long maxUses,
      long useCount,
      Long lastUsedAt,
      Long revokedAt,
      String state) {

    static KeyView of(ProvisioningKey key, long now) {
      return new KeyView(
          key.id(),
          key.name(),
          key.createdBy(),
          key.createdAt(),
          key.expiresAt(),
          key.maxUses(),
          key.useCount(),
          key.lastUsedAt(),
          key.revokedAt(),
          key.stateAt(now).name());
    }
  }

  /** The response to {@code POST}: the key and its secret, shown this once. */
  record CreatedKeyView(KeyView key, String secret) {}

  @GetMapping
  List<KeyView> list(Identity who, @PathVariable String org, @PathVariable String fleet) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.PROVISIONING_KEY_MANAGE);
    long now = clock.millis();
    return service.list(found).stream().map(key -> KeyView.of(key, now)).toList();
  }

  @PostMapping
  ResponseEntity<CreatedKeyView> create(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestBody CreateKey body) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.PROVISIONING_KEY_MANAGE);
    ProvisioningKeyService.CreatedKey created =
        service.create(who, found, body.name(), body.expiresAt(), body.maxUses());
    return ResponseEntity.status(HttpStatus.CREATED)
        .cacheControl(CacheControl.noStore())
        .body(
            new CreatedKeyView(
                KeyView.of(created.key(), clock.millis()), created.secret().value()));
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> revoke(
      Identity who, @PathVariable String org, @PathVariable String fleet, @PathVariable long id) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.PROVISIONING_KEY_MANAGE);
    service.revoke(who, found, id);
    return ResponseEntity.noContent().build();
  }
}
