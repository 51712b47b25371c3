package io.slipway.api.organization;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.access.Role;
import io.slipway.api.account.User;
import io.slipway.api.account.UserRepository;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import io.slipway.api.name.Slug;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Organizations and their members. Any user may create an organization and becomes its owner;
 * owners manage members; members read.
 */
@RestController
class OrganizationController {

  private final AccessControl access;
  private final OrganizationRepository organizations;
  private final UserRepository users;
  private final AuditLog auditLog;
  private final Clock clock;

  OrganizationController(
      AccessControl access,
      OrganizationRepository organizations,
      UserRepository users,
      AuditLog auditLog,
      Clock clock) {
    this.access = access;
    this.organizations = organizations;
    this.users = users;
    this.auditLog = auditLog;
    this.clock = clock;
  }

  /** Body of {@code POST /api/v1/orgs}. */
  record CreateOrganization(String slug, String name) {}

  /** Body of {@code PUT /api/v1/orgs/{org}/members/{username}}. */
  record MemberRole(String role) {}

  /** An organization as sent, with the caller's role when the caller is a member. */
  record OrganizationBody(String slug, String name, long createdAt, String role) {}

  /** A member as sent. */
  record MemberBody(String username, String role, long since) {}

  @PostMapping("/api/v1/orgs")
  @ResponseStatus(HttpStatus.CREATED)
  @Transactional
  OrganizationBody create(Identity who, @RequestBody CreateOrganization body) {
    access.requireUser(who);
    Slug slug = new Slug(body.slug());
    String name = body.name() == null || body.name().isBlank() ? slug.value() : body.name();
    long now = clock.millis();

    long id;
    try {
      id = organizations.insert(slug.value(), name, now);
    } catch (DuplicateKeyException e) {
      throw new ApiException(
          ErrorCode.ORGANIZATION_SLUG_TAKEN,
          "Organization slug '" + slug + "' is taken; choose another");
    }
    organizations.putMember(id, who.id(), Role.OWNER, now);
    auditLog.record(who, "organization.created", "organization", slug.value(), id, Map.of());
    return new OrganizationBody(slug.value(), name, now, Role.OWNER.name());
  }

  @GetMapping("/api/v1/orgs")
  List<OrganizationBody> list(Identity who) {
    access.requireUser(who);
    List<Organization> visible =
        who.serverAdmin() ? organizations.findAll() : organizations.findByMember(who.id());
    return visible.stream().map(o -> body(o, who)).toList();
  }

  @GetMapping("/api/v1/orgs/{org}")
  OrganizationBody get(Identity who, @PathVariable String org) {
    AccessControl.OrganizationAccess granted =
        access.requireOrganization(who, org, Permission.ORGANIZATION_READ);
    return body(granted.organization(), who);
  }

  @GetMapping("/api/v1/orgs/{org}/members")
  List<MemberBody> members(Identity who, @PathVariable String org) {
    Organization organization =
        access.requireOrganization(who, org, Permission.ORGANIZATION_READ).organization();
    return organizations.findMembers(organization.id()).stream()
        .map(m -> new MemberBody(m.username(), m.role().name(), m.since()))
        .toList();
  }

  @PutMapping("/api/v1/orgs/{org}/members/{username}")
  @Transactional
  MemberBody putMember(
      Identity who,
      @PathVariable String org,
      @PathVariable String username,
      @RequestBody MemberRole body) {
    Organization organization =
        access.requireOrganization(who, org, Permission.ORGANIZATION_MANAGE).organization();
    Role role = Role.parse(body.role());
    User user = findUser(username);
    organizations.lock(organization.id());

    boolean demotesOwner =
        role != Role.OWNER
            && organizations.findRole(organization.id(), user.id()).orElse(null) == Role.OWNER;
    if (demotesOwner) {
      requireAnotherOwner(organization);
    }
    long now = clock.millis();
    organizations.putMember(organization.id(), user.id(), role, now);
    auditLog.record(
        who,
        "membership.changed",
        "user",
        username,
        organization.id(),
        Map.of("role", role.name()));
    return new MemberBody(username, role.name(), now);
  }

  @DeleteMapping("/api/v1/orgs/{org}/members/{username}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Transactional
  void removeMember(Identity who, @PathVariable String org, @PathVariable String username) {
    Organization organization =
        access.requireOrganization(who, org, Permission.ORGANIZATION_MANAGE).organization();
    User user = findUser(username);
    organizations.lock(organization.id());
    if (organizations.findRole(organization.id(), user.id()).orElse(null) == Role.OWNER) {
      requireAnotherOwner(organization);
    }
    if (!organizations.removeMember(organization.id(), user.id())) {
      throw new ApiException(
          ErrorCode.USER_NOT_FOUND,
          "User '" + username + "' is not a member of organization '" + org + "'");
    }
    auditLog.record(who, "membership.removed", "user", username, organization.id(), Map.of());
  }

  private void requireAnotherOwner(Organization organization) {
    if (organizations.countOwners(organization.id()) <= 1) {
      throw new ApiException(
          ErrorCode.LAST_OWNER,
          "Organization '"
              + organization.slug()
              + "' would have no owner left; make another member owner first");
    }
  }

  private User findUser(String username) {
    return users
        .findByUsername(username)
        .orElseThrow(
            () ->
                new ApiException(
                    ErrorCode.USER_NOT_FOUND,
                    "User '" + username + "' does not exist; check the user name"));
  }

  private OrganizationBody body(Organization organization, Identity who) {
    String role = organizations.findRole(organization.id(), who.id()).map(Role::name).orElse(null);
    return new OrganizationBody(
        organization.slug(), organization.name(), organization.createdAt(), role);
  }
}
