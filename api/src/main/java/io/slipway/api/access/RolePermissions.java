package io.slipway.api.access;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The permission table: which {@link Permission}s each {@link Role} holds. Immutable. */
public final class RolePermissions {

  private static final Set<Permission> READ =
      EnumSet.of(Permission.ORGANIZATION_READ, Permission.FLEET_READ);

  private static final Map<Role, Set<Permission>> TABLE = new EnumMap<>(Role.class);

  static {
    TABLE.put(Role.OWNER, EnumSet.allOf(Permission.class));
    TABLE.put(Role.DEVELOPER, with(Permission.RELEASE_CREATE, Permission.VARIABLE_WRITE));
    TABLE.put(Role.RELEASE_MANAGER, with(Permission.RELEASE_PROMOTE));
    TABLE.put(Role.OPERATOR, with(Permission.DEVICE_MANAGE, Permission.DEVICE_CONTROL));
    TABLE.put(Role.VIEWER, with());
  }

  private RolePermissions() {}

  /** Returns true when {@code role} grants {@code permission}. */
  public static boolean allows(Role role, Permission permission) {
    return TABLE.get(role).contains(permission);
  }

  /** Returns the permissions of {@code role}. */
  public static Set<Permission> of(Role role) {
    return Set.copyOf(TABLE.get(role));
  }

  private static Set<Permission> with(Permission... extra) {
    EnumSet<Permission> permissions = EnumSet.copyOf(READ);
    permissions.addAll(Set.of(extra));
    return permissions;
  }
}
