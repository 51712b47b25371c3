package io.slipway.api.audit;

import io.slipway.api.identity.ClientAddress;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The append-only record of security-relevant actions: who, what, on which target, when, from
 * where, and whether it was allowed. Entries are only ever inserted. Safe for concurrent use.
 *
 * <p>An entry written inside a transaction commits or rolls back with it, so the log never shows an
 * action that did not happen. Refusals are recorded with {@link #denied}.
 */
@Service
public class AuditLog {

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  private static final int MAX_PAGE = 1000;

  private final JdbcClient jdbc;
  private final Clock clock;
  private final JsonMapper json = JsonMapper.builder().build();

  public AuditLog(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * Records an action that was carried out. The source address is the current request's.
   *
   * @param organizationId the organization the target belongs to, or null for server-wide targets
   * @param details more facts; never put a secret here
   */
  public void record(
      Identity actor,
      String action,
      String targetType,
      String target,
      Long organizationId,
      Map<String, ?> details) {
    record(actor, action, targetType, target, organizationId, details, ClientAddress.current());
  }

  /**
   * Records an action that was carried out outside an HTTP request, such as over the SSH gateway or
   * on a WebSocket after its handshake, where the source address cannot be read from the current
   * request.
   *
   * @param sourceAddress the client's network address, or null when unknown
   */
  public void record(
      Identity actor,
      String action,
      String targetType,
      String target,
      Long organizationId,
      Map<String, ?> details,
      String sourceAddress) {
    insert(actor, action, targetType, target, organizationId, "SUCCESS", details, sourceAddress);
  }

  /** Records an attempt that was refused; arguments as for {@link #record}. */
  public void denied(
      Identity actor,
      String action,
      String targetType,
      String target,
      Long organizationId,
      Map<String, ?> details) {
    insert(
        actor,
        action,
        targetType,
        target,
        organizationId,
        "DENIED",
        details,
        ClientAddress.current());
  }

  /**
   * Returns entries newest first.
   *
   * @param organizationId only entries of this organization, or null for every entry
   * @param beforeId only entries with a smaller id, for paging; null for the newest
   * @param limit at most this many, capped at 1,000
   */
  public List<AuditEntry> read(Long organizationId, Long beforeId, int limit) {
    String where = organizationId == null ? "WHERE 1 = 1" : "WHERE organization_id = :org";
    if (beforeId != null) {
      where += " AND id < :before";
    }
    var statement =
        jdbc.sql(
            "SELECT id, at, actor_kind, actor, action, target_type, target, organization_id,"
                + " source_address, outcome, details FROM audit_log "
                + where
                + " ORDER BY id DESC LIMIT :limit");
    if (organizationId != null) {
      statement = statement.param("org", organizationId);
    }
    if (beforeId != null) {
      statement = statement.param("before", beforeId);
    }
    return statement
        .param("limit", Math.max(1, Math.min(limit, MAX_PAGE)))
        .query(
            (row, number) ->
                new AuditEntry(
                    row.getLong("id"),
                    row.getLong("at"),
                    row.getString("actor_kind"),
                    row.getString("actor"),
                    row.getString("action"),
                    row.getString("target_type"),
                    row.getString("target"),
                    row.getObject("organization_id", Long.class),
                    row.getString("source_address"),
                    row.getString("outcome"),
                    parse(row.getString("details"))))
        .list();
  }

  private void insert(
      Identity actor,
      String action,
      String targetType,
      String target,
      Long organizationId,
      String outcome,
      Map<String, ?> details,
      String source) {
    String detailsJson =
        details == null || details.isEmpty() ? null : json.writeValueAsString(details);
    jdbc.sql(
            "INSERT INTO audit_log (at, actor_kind, actor, action, target_type, target,"
                + " organization_id, source_address, outcome, details)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            clock.millis(),
            actor.kind().name(),
            fit(actor.subject(), 255),
            fit(action, 64),
            fit(targetType, 32),
            fit(target, 255),
            organizationId,
            source,
            outcome,
            detailsJson)
        .update();
    log.info(
        "Audit: {} {} '{}' {} {} '{}' from {}",
        outcome,
        actor.kind(),
        fit(actor.subject(), 255),
        action,
        targetType,
        fit(target, 255),
        source);
  }

  /**
   * Cuts {@code text} to its column's width, so that an over-long value sent by a client (a user
   * name, a UUID) is still recorded instead of failing the insert.
   */
  private static String fit(String text, int width) {
    if (text == null || text.length() <= width) {
      return text;
    }
    return text.substring(0, width - 3) + "...";
  }

  private Map<String, Object> parse(String text) {
    if (text == null) {
      return Map.of();
    }
    return json.readValue(text, new TypeReference<Map<String, Object>>() {});
  }
}
