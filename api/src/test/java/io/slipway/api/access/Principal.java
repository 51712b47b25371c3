package io.slipway.api.access;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A caller of the permission matrix: a member of the organization in each role, a user of another
 * organization, a server administrator, no credentials at all, device keys and a provisioning key.
 */
enum Principal {
  OWNER,
  DEVELOPER,
  RELEASE_MANAGER,
  OPERATOR,
  VIEWER,
  /** A signed-up user who is a member of another organization only. */
  NON_MEMBER,
  /** A server administrator who is not a member of the organization. */
  ADMIN,
  ANONYMOUS,
  /** The device the endpoint is about, or a device of the fleet it is about, with its own key. */
  DEVICE,
  /** Another device of the same fleet. */
  SIBLING_DEVICE,
  /** A device of another fleet of the same organization. */
  FOREIGN_DEVICE,
  /** A provisioning key of the fleet. */
  PROVISIONING_KEY;

  /** Every member role. */
  static final Set<Principal> MEMBERS =
      Collections.unmodifiableSet(EnumSet.of(OWNER, DEVELOPER, RELEASE_MANAGER, OPERATOR, VIEWER));

  /** Principals that may read the organization: its members and server administrators. */
  static final Set<Principal> READERS = allow(MEMBERS, ADMIN);

  /** Every user, member or not. */
  static final Set<Principal> USERS = allow(READERS, NON_MEMBER);

  /** Every caller, with credentials or without. */
  static final Set<Principal> EVERYONE =
      Collections.unmodifiableSet(EnumSet.allOf(Principal.class));

  /** Returns the given principals as an unmodifiable set. */
  static Set<Principal> allow(Principal first, Principal... more) {
    return Collections.unmodifiableSet(EnumSet.of(first, more));
  }

  /** Returns {@code base} together with {@code more}. */
  static Set<Principal> allow(Set<Principal> base, Principal... more) {
    EnumSet<Principal> all = EnumSet.noneOf(Principal.class);
    all.addAll(base);
    all.addAll(Set.of(more));
    return Collections.unmodifiableSet(all);
  }

  /** Returns true for the member roles, the other user and the administrator. */
  boolean isUser() {
    return USERS.contains(this);
  }

  /** Returns the role of a member, or null for every other principal. */
  Role role() {
    return MEMBERS.contains(this) ? Role.valueOf(name()) : null;
  }
}
