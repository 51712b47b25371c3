package io.slipway.api.osimage;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code POST /api/v1/orgs/{org}/fleets/{fleet}/os-config}: returns a config.json for the fleet
 * with a new provisioning key in it, for {@code slipway os configure --fleet} to write into an
 * image. The key's id is in the {@value #KEY_HEADER} header, so it can be revoked later. Takes
 * {@code PROVISIONING_KEY_MANAGE}, because the response contains a key's secret.
 */
@RestController
class OsConfigController {

  /** The response header that names the provisioning key made for the request. */
  static final String KEY_HEADER = "Slipway-Provisioning-Key-Id";

  private final AccessControl access;
  private final OsConfigService configs;
  private final AuditLog audit;

  OsConfigController(AccessControl access, OsConfigService configs, AuditLog audit) {
    this.access = access;
    this.configs = configs;
    this.audit = audit;
  }

  @PostMapping("/api/v1/orgs/{org}/fleets/{fleet}/os-config")
  ResponseEntity<byte[]> create(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestBody(required = false) OsConfigBody body) {
    Fleet found = access.requireFleet(who, org, fleet, Permission.PROVISIONING_KEY_MANAGE);
    OsConfigOptions options = (body == null ? OsConfigBody.DEFAULTS : body).toOptions();

    OsConfigService.IssuedConfig issued = configs.issue(who, found, options, requestBase());
    audit.record(
        who,
        "os-image.config-created",
        "fleet",
        found.repositoryPrefix(),
        found.organizationId(),
        details(issued, options));
    return ResponseEntity.status(HttpStatus.CREATED)
        .cacheControl(CacheControl.noStore())
        .contentType(MediaType.APPLICATION_JSON)
        .header(KEY_HEADER, String.valueOf(issued.key().id()))
        .body(issued.config().toJson());
  }

  /** Returns the base URL the current request reached this server at. */
  static URI requestBase() {
    return ServletUriComponentsBuilder.fromCurrentContextPath().build().toUri();
  }

  /** Returns the audit details of an issued config: never the key's secret. */
  static Map<String, Object> details(OsConfigService.IssuedConfig issued, OsConfigOptions options) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("provisioningKeyId", issued.key().id());
    details.put("expiresAt", issued.key().expiresAt());
    details.put("maxUses", issued.key().maxUses());
    details.put("version", options.version() == null ? null : options.version().value());
    details.put("sshKeys", issued.config().sshKeys().size());
    details.put("developmentMode", options.developmentMode());
    return details;
  }
}
