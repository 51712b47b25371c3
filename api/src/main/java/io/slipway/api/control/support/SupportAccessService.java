package io.slipway.api.control.support;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.control.BoundedDuration;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Grants, lists and ends support access to a fleet, with an audit entry for each change. Callers
 * check access first. Thread-safe.
 */
@Service
public class SupportAccessService {

  /** How long a grant may last. */
  static final BoundedDuration GRANT_LENGTH =
      new BoundedDuration(
          Duration.ofMinutes(1), Duration.ofDays(30), ErrorCode.INVALID_SUPPORT_ACCESS);

  /** Ended grants stay in the list for this long. */
  static final Duration RECENT = Duration.ofDays(30);

  private static final int MAX_LISTED = 100;

  private static final Logger log = LoggerFactory.getLogger(SupportAccessService.class);

  private final SupportAccessRepository grants;
  private final AuditLog audit;
  private final Clock clock;

  SupportAccessService(SupportAccessRepository grants, AuditLog audit, Clock clock) {
    this.grants = grants;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Grants server administrators support access to {@code fleet} for {@code duration} (ISO-8601,
   * PT1M to P30D) and audits {@code support-access.granted}.
   *
   * @throws ApiException {@code INVALID_SUPPORT_ACCESS} for a missing, unparsable or out-of-range
   *     duration
   */
  @Transactional
  public SupportGrant grant(Identity who, Fleet fleet, String duration) {
    Duration length = parse(duration, fleet);
    long now = clock.millis();
    long expiresAt = now + length.toMillis();
    long id = grants.insert(fleet.id(), who.subject(), now, expiresAt);

    audit.record(
        who,
        "support-access.granted",
        "fleet",
        fleet.repositoryPrefix(),
        fleet.organizationId(),
        Map.of("grant", id, "for", length.toString(), "expiresAt", expiresAt));
    log.info(
        "Support access {} to fleet {} granted by '{}' for {}",
        id,
        fleet.repositoryPrefix(),
        who.subject(),
        length);
    return new SupportGrant(id, fleet.id(), who.subject(), now, expiresAt, null, null);
  }

  /** Returns the fleet's open grants and those ended in the last 30 days, newest first. */
  public List<SupportGrant> recent(Fleet fleet) {
    long since = clock.millis() - RECENT.toMillis();
    return grants.findRecent(fleet.id(), since, MAX_LISTED);
  }

  /**
   * Ends every open grant of {@code fleet}; audits {@code support-access.revoked} when there was
   * one. Returns how many it ended.
   */
  @Transactional
  public int revokeAll(Identity who, Fleet fleet) {
    int ended = grants.revokeOpen(fleet.id(), who.subject(), clock.millis());
    if (ended == 0) {
      return 0;
    }
    audit.record(
        who,
        "support-access.revoked",
        "fleet",
        fleet.repositoryPrefix(),
        fleet.organizationId(),
        Map.of("grants", ended));
    log.info(
        "Support access to fleet {} ended by '{}' ({} grants)",
        fleet.repositoryPrefix(),
        who.subject(),
        ended);
    return ended;
  }

  private static Duration parse(String duration, Fleet fleet) {
    if (duration == null || duration.isBlank()) {
      throw new ApiException(
          ErrorCode.INVALID_SUPPORT_ACCESS,
          "Support access to fleet "
              + fleet.repositoryPrefix()
              + " needs 'for': send an ISO-8601 duration such as {\"for\": \"PT4H\"}");
    }
    return GRANT_LENGTH.parse("for", duration);
  }
}
