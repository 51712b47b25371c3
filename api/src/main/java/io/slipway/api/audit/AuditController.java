package io.slipway.api.audit;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.identity.Identity;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reads the audit log: an organization's entries for its owners, every entry for server
 * administrators. Newest first; page with {@code before} set to the smallest id already seen.
 */
@RestController
class AuditController {

  private final AccessControl access;
  private final AuditLog auditLog;

  AuditController(AccessControl access, AuditLog auditLog) {
    this.access = access;
    this.auditLog = auditLog;
  }

  @GetMapping("/api/v1/orgs/{org}/audit-log")
  List<AuditEntry> organizationLog(
      Identity who,
      @PathVariable String org,
      @RequestParam(required = false) Long before,
      @RequestParam(defaultValue = "100") int limit) {
    long organizationId =
        access.requireOrganization(who, org, Permission.AUDIT_READ).organization().id();
    return auditLog.read(organizationId, before, limit);
  }

  @GetMapping("/api/v1/audit-log")
  List<AuditEntry> serverLog(
      Identity who,
      @RequestParam(required = false) Long before,
      @RequestParam(defaultValue = "100") int limit) {
    access.requireServerAdmin(who);
    return auditLog.read(null, before, limit);
  }
}
