package io.slipway.api.organization;

import io.slipway.api.access.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/**
 * The {@code organization} and {@code membership} tables. Safe for concurrent use; each method is
 * one statement.
 */
@Repository
public class OrganizationRepository {

  private final JdbcClient jdbc;

  public OrganizationRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A member as listed: user name and role. */
  public record Member(long userId, String username, Role role, long since) {}

  /**
   * Inserts an organization and returns its row id.
   *
   * @throws org.springframework.dao.DuplicateKeyException when the slug is taken
   */
  public long insert(String slug, String name, long createdAt) {
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql("INSERT INTO organization (slug, name, created_at) VALUES (?, ?, ?)")
        .params(slug, name, createdAt)
        .update(keys, "id");
    return keys.getKey().longValue();
  }

  public Optional<Organization> findBySlug(String slug) {
    return jdbc.sql("SELECT id, slug, name, created_at FROM organization WHERE slug = ?")
        .param(slug)
        .query(OrganizationRepository::map)
        .optional();
  }

  public Optional<Organization> findById(long id) {
    return jdbc.sql("SELECT id, slug, name, created_at FROM organization WHERE id = ?")
        .param(id)
        .query(OrganizationRepository::map)
        .optional();
  }

  /** Returns every organization, ordered by slug. */
  public List<Organization> findAll() {
    return jdbc.sql("SELECT id, slug, name, created_at FROM organization ORDER BY slug")
        .query(OrganizationRepository::map)
        .list();
  }

  /** Returns the organizations {@code userId} is a member of, ordered by slug. */
  public List<Organization> findByMember(long userId) {
    return jdbc.sql(
            "SELECT o.id, o.slug, o.name, o.created_at FROM organization o"
                + " JOIN membership m ON m.organization_id = o.id WHERE m.user_id = ?"
                + " ORDER BY o.slug")
        .param(userId)
        .query(OrganizationRepository::map)
        .list();
  }

  /** Returns the role of {@code userId} in organization {@code organizationId}, if a member. */
  public Optional<Role> findRole(long organizationId, long userId) {
    return jdbc.sql("SELECT role FROM membership WHERE organization_id = ? AND user_id = ?")
        .params(organizationId, userId)
        .query(String.class)
        .optional()
        .map(Role::valueOf);
  }

  /** Returns the members of {@code organizationId}, ordered by user name. */
  public List<Member> findMembers(long organizationId) {
    return jdbc.sql(
            "SELECT u.id, u.username, m.role, m.created_at FROM membership m"
                + " JOIN app_user u ON u.id = m.user_id WHERE m.organization_id = ?"
                + " ORDER BY u.username")
        .param(organizationId)
        .query(
            (row, number) ->
                new Member(
                    row.getLong("id"),
                    row.getString("username"),
                    Role.valueOf(row.getString("role")),
                    row.getLong("created_at")))
        .list();
  }

  /** Adds {@code userId} with {@code role}, or changes the role of an existing member. */
  public void putMember(long organizationId, long userId, Role role, long now) {
    int updated =
        jdbc.sql("UPDATE membership SET role = ? WHERE organization_id = ? AND user_id = ?")
            .params(role.name(), organizationId, userId)
            .update();
    if (updated == 0) {
      jdbc.sql(
              "INSERT INTO membership (organization_id, user_id, role, created_at)"
                  + " VALUES (?, ?, ?, ?)")
          .params(organizationId, userId, role.name(), now)
          .update();
    }
  }

  /** Removes {@code userId} from the organization; returns false when not a member. */
  public boolean removeMember(long organizationId, long userId) {
    return jdbc.sql("DELETE FROM membership WHERE organization_id = ? AND user_id = ?")
            .params(organizationId, userId)
            .update()
        > 0;
  }

  /**
   * Locks the organization's row until the transaction ends, so that membership changes of one
   * organization run one at a time and cannot together remove its last owner.
   */
  public void lock(long organizationId) {
    jdbc.sql("SELECT id FROM organization WHERE id = ? FOR UPDATE")
        .param(organizationId)
        .query(Long.class)
        .optional();
  }

  /** Returns how many owners {@code organizationId} has. */
  public long countOwners(long organizationId) {
    return jdbc.sql("SELECT COUNT(*) FROM membership WHERE organization_id = ? AND role = 'OWNER'")
        .param(organizationId)
        .query(Long.class)
        .single();
  }

  private static Organization map(ResultSet row, int number) throws SQLException {
    return new Organization(
        row.getLong("id"), row.getString("slug"), row.getString("name"), row.getLong("created_at"));
  }
}
