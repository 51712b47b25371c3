package io.slipway.api.rollout;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.event.FleetTargetChanged;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.PromotionRepository;
import io.slipway.api.release.Release;
import io.slipway.api.release.ReleaseRepository;
import io.slipway.api.rollout.GroupSelector.Candidate;
import io.slipway.api.rollout.RolloutRepository.MovedDevice;
import io.slipway.api.rollout.RolloutRepository.NewRollout;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates rollouts and moves them through their states: approval, group steps, pauses, completion
 * and cancellation. Safe for concurrent use, also by several servers on one database. Every step is
 * a conditional UPDATE naming the group it starts from. Of two callers that start the same group,
 * only one moves devices and the other finds nothing left to do.
 *
 * <p>Each step runs in one transaction with its audit entries; {@link FleetTargetChanged} events go
 * out after it commits.
 */
@Service
public class RolloutService {

  /**
   * The actor of the scheduler's steps in the audit log.
   *
   * <p>NOTE: {@link Identity} has no kind for the server itself, so the scheduler appears as a user
   * with id 0 and a subject that no user name can take.
   */
  static final Identity SCHEDULER = Identity.system("rollout-scheduler");

  private static final Logger log = LoggerFactory.getLogger(RolloutService.class);

  // H2 gives up waiting for a row lock after its lock timeout. A step that loses a lock to a
  // concurrent one reads the rollout again and retries, and usually finds the group started.
  private static final int ATTEMPTS = 5;

  private static final Set<RolloutState> UNFINISHED =
      Set.of(RolloutState.WAITING_APPROVAL, RolloutState.RUNNING, RolloutState.PAUSED);

  private final RolloutRepository rollouts;
  private final ReleaseRepository releases;
  private final PromotionRepository promotions;
  private final FleetRepository fleets;
  private final RolloutProgressSource progress;
  private final AuditLog audit;
  private final ApplicationEventPublisher publisher;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public RolloutService(
      RolloutRepository rollouts,
      ReleaseRepository releases,
      PromotionRepository promotions,
      FleetRepository fleets,
      RolloutProgressSource progress,
      AuditLog audit,
      ApplicationEventPublisher publisher,
      PlatformTransactionManager transactionManager,
      Clock clock) {
    this.rollouts = rollouts;
    this.releases = releases;
    this.promotions = promotions;
    this.fleets = fleets;
    this.progress = progress;
    this.audit = audit;
    this.publisher = publisher;
    this.transactions = new TransactionTemplate(transactionManager);
    this.clock = clock;
  }

  /**
   * A release manager's request for a new rollout.
   *
   * @param releaseId the release to move the fleet to
   * @param groups the groups, ending with 100% of the fleet
   * @param policy thresholds and deadline
   * @param requiresApproval true to wait for an approval before the first group starts
   */
  public record NewRolloutRequest(
      long releaseId, RolloutGroups groups, RolloutPolicy policy, boolean requiresApproval) {}

  /**
   * Creates a rollout of {@code fleet} and, unless it requires approval, starts its first group.
   *
   * @throws ApiException {@code RELEASE_NOT_FOUND} when the release is not one of the fleet's;
   *     {@code RELEASE_NOT_DEPLOYABLE} when it did not succeed or was invalidated; {@code
   *     ROLLOUT_ALREADY_ACTIVE} when the fleet has an unfinished rollout
   */
  public Rollout create(Identity actor, Fleet fleet, NewRolloutRequest request) {
    Release release = requireDeployable(fleet, request.releaseId());
    List<FleetTargetChanged> events = new ArrayList<>();

    long id;
    try {
      id =
          transactions.execute(
              status -> {
                long created =
                    rollouts.insert(
                        new NewRollout(
                            fleet.id(),
                            release.id(),
                            request.groups(),
                            request.policy(),
                            request.requiresApproval(),
                            actor.subject(),
                            clock.millis()));
                audit.record(
                    actor,
                    "rollout.created",
                    "rollout",
                    String.valueOf(created),
                    fleet.organizationId(),
                    creationDetails(fleet, release, request));
                if (!request.requiresApproval()) {
                  stepInTransaction(
                      created, -1, Set.of(RolloutState.WAITING_APPROVAL), actor, null, events);
                }
                return created;
              });
    } catch (DuplicateKeyException e) {
      throw new ApiException(
          ErrorCode.ROLLOUT_ALREADY_ACTIVE,
          "Fleet "
              + fleet.repositoryPrefix()
              + " already has an unfinished rollout"
              + rollouts.findActiveId(fleet.id()).map(active -> " (" + active + ")").orElse("")
              + ": complete or cancel it first");
    }
    publish(events);
    log.info(
        "Rollout {} of fleet {} to release {} created by {} with {} groups",
        id,
        fleet.repositoryPrefix(),
        release.id(),
        actor.subject(),
        request.groups().size());
    return reload(id);
  }

  /** Returns the rollout with {@code id}. */
  public Optional<Rollout> find(long id) {
    return rollouts.findById(id);
  }

  /** Returns the rollouts of {@code fleet}, newest first. */
  public List<Rollout> findByFleet(Fleet fleet) {
    return rollouts.findByFleet(fleet.id());
  }

  /**
   * Approves a rollout that waits for approval and starts its first group. Approving a rollout that
   * already runs or is paused changes nothing.
   *
   * @throws ApiException {@code ROLLOUT_STATE_CONFLICT} when it is completed or cancelled
   */
  public Rollout approve(Identity actor, Rollout rollout) {
    Rollout current = reload(rollout.id());
    if (current.state() == RolloutState.WAITING_APPROVAL) {
      step(current.id(), -1, Set.of(RolloutState.WAITING_APPROVAL), actor, actor.subject());
      current = reload(rollout.id());
    }
    if (current.state().finished()) {
      throw conflict(current, "approve it");
    }
    return current;
  }

  /**
   * Pauses a running rollout. Pausing a paused rollout changes nothing.
   *
   * @throws ApiException {@code ROLLOUT_STATE_CONFLICT} when it waits for approval or is finished
   */
  public Rollout pause(Identity actor, Rollout rollout) {
    String reason = "paused by " + actor.subject();
    return switchState(
        actor,
        rollout,
        RolloutState.RUNNING,
        RolloutState.PAUSED,
        reason,
        "rollout.paused",
        Map.of("reason", reason));
  }

  /**
   * Resumes a paused rollout; its current group gets a fresh deadline. Resuming a running rollout
   * changes nothing.
   *
   * @throws ApiException {@code ROLLOUT_STATE_CONFLICT} when it waits for approval or is finished
   */
  public Rollout resume(Identity actor, Rollout rollout) {
    return switchState(
        actor,
        rollout,
        RolloutState.PAUSED,
        RolloutState.RUNNING,
        null,
        "rollout.resumed",
        Map.of());
  }

  /**
   * Moves {@code rollout} from state {@code from} to {@code to} and audits it as {@code action}. A
   * rollout already in {@code to} is left alone; any other state is a conflict.
   */
  private Rollout switchState(
      Identity actor,
      Rollout rollout,
      RolloutState from,
      RolloutState to,
      String reason,
      String action,
      Map<String, ?> details) {
    boolean switched =
        transactions.execute(
            status -> {
              boolean changed =
                  rollouts.transition(rollout.id(), Set.of(from), null, to, reason, clock.millis());
              if (changed) {
                recordOnRollout(actor, action, rollout, details);
              }
              return changed;
            });
    Rollout current = reload(rollout.id());
    if (switched) {
      log.info("Rollout {}: {} by {}", rollout.id(), action, actor.subject());
    } else if (current.state() != to) {
      throw conflict(current, to == RolloutState.PAUSED ? "pause it" : "resume it");
    }
    return current;
  }

  /**
   * Starts the group after {@code fromGroup}, or completes the rollout when {@code fromGroup} is
   * its last, whatever the devices reported; a paused rollout runs again. Idempotent: when the
   * rollout has already left {@code fromGroup}, nothing changes, so a retry, a second click or a
   * concurrent scheduler tick never starts a group twice or skips one.
   *
   * @throws ApiException {@code ROLLOUT_GROUP_MISMATCH} when {@code fromGroup} is ahead of the
   *     rollout; {@code ROLLOUT_STATE_CONFLICT} when it waits for approval or was cancelled
   */
  public Rollout nextGroup(Identity actor, Rollout rollout, int fromGroup) {
    Rollout current = reload(rollout.id());
    if (current.state() == RolloutState.CANCELLED
        || current.state() == RolloutState.WAITING_APPROVAL) {
      throw conflict(current, "start its next group");
    }
    boolean alreadyLeft =
        fromGroup < current.currentGroup()
            || (current.state() == RolloutState.COMPLETED && fromGroup == current.currentGroup());
    if (alreadyLeft) {
      return current;
    }
    if (fromGroup > current.currentGroup()) {
      throw new ApiException(
          ErrorCode.ROLLOUT_GROUP_MISMATCH,
          "Rollout "
              + current.id()
              + " is at group "
              + current.currentGroup()
              + ", not "
              + fromGroup
              + ": send fromGroup "
              + current.currentGroup()
              + " to start the group after it");
    }
    step(current.id(), fromGroup, Set.of(RolloutState.RUNNING, RolloutState.PAUSED), actor, null);
    return reload(rollout.id());
  }

  /**
   * Cancels an unfinished rollout: the devices it moved go back to the fleet's target. Cancelling a
   * cancelled rollout changes nothing.
   *
   * @throws ApiException {@code ROLLOUT_STATE_CONFLICT} when it is completed
   */
  public Rollout cancel(Identity actor, Rollout rollout, String reason) {
    List<FleetTargetChanged> events = new ArrayList<>();
    boolean cancelled =
        transactions.execute(status -> cancelInTransaction(actor, rollout, reason, events));
    publish(events);
    Rollout current = reload(rollout.id());
    if (cancelled) {
      log.info("Rollout {} cancelled by {}: {}", rollout.id(), actor.subject(), reason);
    } else if (current.state() != RolloutState.CANCELLED) {
      throw conflict(current, "cancel it");
    }
    return current;
  }

  /**
   * Evaluates one running rollout as a scheduler tick does: counts its current group from the
   * devices' reports and widens, completes, pauses or leaves it. A rollout whose release was
   * invalidated is cancelled. A rollout that is not running is left alone.
   */
  public void evaluate(long id) {
    Rollout rollout = rollouts.findById(id).orElse(null);
    if (rollout == null || rollout.state() != RolloutState.RUNNING) {
      return;
    }

    Release release = releases.findById(rollout.releaseId()).orElse(null);
    if (release == null || !release.isDeployable()) {
      cancel(SCHEDULER, rollout, "release " + rollout.releaseId() + " is no longer deployable");
      return;
    }

    Instant now = clock.instant();
    Instant groupStartedAt = Instant.ofEpochMilli(rollout.groupStartedAt());
    GroupCounts counts = currentGroupCounts(rollout, now);
    RolloutDecision decision =
        RolloutDecider.decide(counts, rollout.policy(), rollout.atLastGroup(), groupStartedAt, now);
    log.debug("Rollout {} group {}: {} -> {}", id, rollout.currentGroup(), counts, decision);

    switch (decision) {
      case WIDEN, COMPLETE ->
          step(id, rollout.currentGroup(), Set.of(RolloutState.RUNNING), SCHEDULER, null);
      case PAUSE -> pauseForProgress(rollout, counts, now);
      case WAIT -> {}
    }
  }

  /** Returns {@code <org>/<fleet>} of the rollout's fleet. */
  public String fleetName(Rollout rollout) {
    return fleetOf(rollout).repositoryPrefix();
  }

  /** Returns the ids of the rollouts that a scheduler tick evaluates. */
  public List<Long> runningIds() {
    return rollouts.findIdsInState(RolloutState.RUNNING);
  }

  /**
   * Returns the counts of every group the rollout has started, by group position, as of now (or of
   * its end, for a finished rollout).
   */
  public Map<Integer, GroupCounts> groupCounts(Rollout rollout) {
    Map<Integer, List<Long>> devicesByGroup = rollouts.findMovedDevicesByGroup(rollout.id());
    List<Long> allDevices = devicesByGroup.values().stream().flatMap(List::stream).toList();
    Map<Long, DeviceReport> reports = progress.lastReports(allDevices);
    Instant now =
        rollout.finishedAt() == null ? clock.instant() : Instant.ofEpochMilli(rollout.finishedAt());

    Map<Integer, GroupCounts> counts = new LinkedHashMap<>();
    for (RolloutGroup group : rollout.groups()) {
      if (!group.started()) {
        continue;
      }
      List<Long> devices = devicesByGroup.getOrDefault(group.position(), List.of());
      counts.put(
          group.position(),
          GroupTally.count(
              devices,
              reports,
              rollout.releaseId(),
              deadlineStart(rollout, group),
              rollout.policy(),
              now));
    }
    return counts;
  }

  // NOTE: a device pinned after its group started still counts in that group. It reports the pinned
  // release, so it counts as failed at the deadline and may pause the rollout.
  private GroupCounts currentGroupCounts(Rollout rollout, Instant now) {
    List<Long> devices =
        rollouts
            .findMovedDevicesByGroup(rollout.id())
            .getOrDefault(rollout.currentGroup(), List.of());
    return GroupTally.count(
        devices,
        progress.lastReports(devices),
        rollout.releaseId(),
        Instant.ofEpochMilli(rollout.groupStartedAt()),
        rollout.policy(),
        now);
  }

  // The current group's deadline restarts when the rollout resumes; earlier groups keep theirs.
  private static Instant deadlineStart(Rollout rollout, RolloutGroup group) {
    if (group.position() == rollout.currentGroup() && rollout.groupStartedAt() != null) {
      return Instant.ofEpochMilli(rollout.groupStartedAt());
    }
    return Instant.ofEpochMilli(group.startedAt());
  }

  private void pauseForProgress(Rollout rollout, GroupCounts counts, Instant now) {
    String reason = pauseReason(rollout, counts);
    boolean paused =
        transactions.execute(
            status -> {
              boolean changed =
                  rollouts.transition(
                      rollout.id(),
                      Set.of(RolloutState.RUNNING),
                      rollout.currentGroup(),
                      RolloutState.PAUSED,
                      reason,
                      now.toEpochMilli());
              if (changed) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("reason", reason);
                details.put("group", rollout.currentGroup());
                details.put("targeted", counts.targeted());
                details.put("runningHealthy", counts.runningHealthy());
                details.put("failed", counts.failed());
                recordOnRollout(SCHEDULER, "rollout.paused", rollout, details);
              }
              return changed;
            });
    if (paused) {
      log.warn("Rollout {} paused: {}", rollout.id(), reason);
    }
  }

  private static String pauseReason(Rollout rollout, GroupCounts counts) {
    RolloutPolicy policy = rollout.policy();
    if (counts.failedShare() > policy.failureThreshold()) {
      return counts.failed()
          + " of "
          + counts.targeted()
          + " devices of group "
          + rollout.currentGroup()
          + " failed, more than the failure threshold "
          + policy.failureThreshold();
    }
    return "the deadline "
        + policy.deadline()
        + " of group "
        + rollout.currentGroup()
        + " passed with "
        + counts.runningHealthy()
        + " of "
        + counts.targeted()
        + " devices running healthy, below the success threshold "
        + policy.successThreshold();
  }

  /**
   * Starts the group after {@code expectedGroup}, or completes the rollout after its last group,
   * retrying when a concurrent step held the row lock too long.
   *
   * @return true when this call made the step
   */
  private boolean step(
      long id, int expectedGroup, Set<RolloutState> fromStates, Identity actor, String approvedBy) {
    for (int attempt = 1; ; attempt++) {
      List<FleetTargetChanged> events = new ArrayList<>();
      try {
        boolean stepped =
            transactions.execute(
                status ->
                    stepInTransaction(id, expectedGroup, fromStates, actor, approvedBy, events));
        publish(events);
        return stepped;
      } catch (ConcurrencyFailureException e) {
        Rollout current = reload(id);
        boolean stillThere =
            current.currentGroup() == expectedGroup && fromStates.contains(current.state());
        if (!stillThere || attempt == ATTEMPTS) {
          log.warn(
              "Rollout {} step from group {} lost a lock race (attempt {}); the rollout is at"
                  + " group {} and {}",
              id,
              expectedGroup,
              attempt,
              current.currentGroup(),
              current.state());
          if (stillThere) {
            throw e;
          }
          return false;
        }
      }
    }
  }

  private boolean stepInTransaction(
      long id,
      int expectedGroup,
      Set<RolloutState> fromStates,
      Identity actor,
      String approvedBy,
      List<FleetTargetChanged> events) {
    Rollout rollout = reload(id);
    Fleet fleet = fleetOf(rollout);
    long now = clock.millis();

    if (expectedGroup == rollout.groups().size() - 1) {
      return completeInTransaction(rollout, fleet, expectedGroup, fromStates, actor, now, events);
    }

    int next = expectedGroup + 1;
    if (!rollouts.claimNextGroup(id, expectedGroup, fromStates, approvedBy, now)) {
      return false;
    }
    List<Candidate> chosen =
        GroupSelector.select(
            rollout.groups().get(next).spec(),
            rollouts.findCandidates(fleet.id()),
            rollouts.findMovedDeviceIds(id));
    rollouts.moveDevices(id, next, rollout.releaseId(), chosen, now);
    rollouts.markGroupStarted(id, next, now);

    if (approvedBy != null) {
      recordOnRollout(actor, "rollout.approved", rollout, Map.of());
    }
    if (expectedGroup == -1) {
      recordOnRollout(actor, "rollout.started", rollout, Map.of());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("rolloutId", id);
    details.put("group", next);
    details.put("releaseId", rollout.releaseId());
    details.put("devices", chosen.size());
    audit.record(
        actor,
        "fleet.target.changed",
        "fleet",
        fleet.repositoryPrefix(),
        fleet.organizationId(),
        details);
    if (!chosen.isEmpty()) {
      List<String> uuids = chosen.stream().map(Candidate::uuid).toList();
      events.add(
          new FleetTargetChanged(fleet.id(), uuids, rollout.releaseId(), "rollout.group.started"));
    }
    log.info(
        "Rollout {} of fleet {} started group {} of {}: {} devices moved to release {} by {}",
        id,
        fleet.repositoryPrefix(),
        next,
        rollout.groups().size(),
        chosen.size(),
        rollout.releaseId(),
        actor.subject());
    return true;
  }

  private boolean completeInTransaction(
      Rollout rollout,
      Fleet fleet,
      int expectedGroup,
      Set<RolloutState> fromStates,
      Identity actor,
      long now,
      List<FleetTargetChanged> events) {
    if (!rollouts.claimCompletion(rollout.id(), expectedGroup, fromStates, now)) {
      return false;
    }
    // NOTE: this pin is not signed, so devices reject a rollout to a release older than theirs.
    promotions.setFleetTarget(fleet.id(), rollout.releaseId(), false);
    List<MovedDevice> cleared = rollouts.clearRolloutRelease(fleet.id());

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("rolloutId", rollout.id());
    details.put("releaseId", rollout.releaseId());
    details.put("trackLatest", false);
    details.put("previousReleaseId", fleet.targetReleaseId());
    details.put("previousTrackLatest", fleet.trackLatest());
    audit.record(
        actor,
        "fleet.target.changed",
        "fleet",
        fleet.repositoryPrefix(),
        fleet.organizationId(),
        details);
    recordOnRollout(actor, "rollout.completed", rollout, Map.of("devices", cleared.size()));
    events.add(FleetTargetChanged.wholeFleet(fleet.id(), rollout.releaseId(), "rollout.completed"));
    log.info(
        "Rollout {} completed: fleet {} now targets release {} ({} devices left the rollout"
            + " columns)",
        rollout.id(),
        fleet.repositoryPrefix(),
        rollout.releaseId(),
        cleared.size());
    return true;
  }

  private boolean cancelInTransaction(
      Identity actor, Rollout rollout, String reason, List<FleetTargetChanged> events) {
    boolean changed =
        rollouts.transition(
            rollout.id(), UNFINISHED, null, RolloutState.CANCELLED, reason, clock.millis());
    if (!changed) {
      return false;
    }
    Fleet fleet = fleetOf(rollout);
    List<MovedDevice> cleared = rollouts.clearRolloutRelease(fleet.id());
    recordOnRollout(
        actor, "rollout.cancelled", rollout, Map.of("reason", reason, "devices", cleared.size()));
    if (!cleared.isEmpty()) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("rolloutId", rollout.id());
      details.put("devices", cleared.size());
      details.put("reason", "rollout.cancelled");
      audit.record(
          actor,
          "fleet.target.changed",
          "fleet",
          fleet.repositoryPrefix(),
          fleet.organizationId(),
          details);
      List<String> uuids = cleared.stream().map(MovedDevice::uuid).toList();
      events.add(new FleetTargetChanged(fleet.id(), uuids, null, "rollout.cancelled"));
    }
    return true;
  }

  private Release requireDeployable(Fleet fleet, long releaseId) {
    Release release =
        releases
            .findById(releaseId)
            .filter(found -> found.fleetId() == fleet.id())
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.RELEASE_NOT_FOUND,
                        "Release "
                            + releaseId
                            + " is not a release of fleet "
                            + fleet.repositoryPrefix()
                            + "; list the fleet's releases for their ids"));
    if (!release.isDeployable()) {
      throw new ApiException(
          ErrorCode.RELEASE_NOT_DEPLOYABLE,
          "Release "
              + releaseId
              + " of fleet "
              + fleet.repositoryPrefix()
              + (release.invalidated() ? " was invalidated" : " is " + release.status())
              + ": roll out a release that finished with SUCCESS and is not invalidated");
    }
    return release;
  }

  private Map<String, Object> creationDetails(
      Fleet fleet, Release release, NewRolloutRequest request) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fleet", fleet.repositoryPrefix());
    details.put("releaseId", release.id());
    details.put("version", release.version());
    details.put("groups", request.groups().size());
    details.put("successThreshold", request.policy().successThreshold());
    details.put("failureThreshold", request.policy().failureThreshold());
    details.put("deadline", request.policy().deadline().toString());
    details.put("requiresApproval", request.requiresApproval());
    return details;
  }

  private void recordOnRollout(
      Identity actor, String action, Rollout rollout, Map<String, ?> details) {
    Fleet fleet = fleetOf(rollout);
    Map<String, Object> all = new LinkedHashMap<>(details);
    all.put("fleet", fleet.repositoryPrefix());
    all.put("releaseId", rollout.releaseId());
    audit.record(
        actor, action, "rollout", String.valueOf(rollout.id()), fleet.organizationId(), all);
  }

  private Fleet fleetOf(Rollout rollout) {
    return fleets.findById(rollout.fleetId()).orElseThrow(() -> notFound(rollout.id()));
  }

  private Rollout reload(long id) {
    return rollouts.findById(id).orElseThrow(() -> notFound(id));
  }

  private void publish(List<FleetTargetChanged> events) {
    for (FleetTargetChanged event : events) {
      try {
        publisher.publishEvent(event);
      } catch (RuntimeException e) {
        // The change has committed; devices still learn of it at their next poll.
        log.warn(
            "A listener of the target change of fleet {} ({}) failed",
            event.fleetId(),
            event.reason(),
            e);
      }
    }
  }

  static ApiException notFound(long id) {
    return new ApiException(
        ErrorCode.ROLLOUT_NOT_FOUND,
        "Rollout "
            + id
            + " does not exist or you are not a member of its fleet's organization; list the"
            + " fleet's rollouts for their ids");
  }

  private static ApiException conflict(Rollout rollout, String action) {
    return new ApiException(
        ErrorCode.ROLLOUT_STATE_CONFLICT,
        "Rollout "
            + rollout.id()
            + " is "
            + rollout.state()
            + ", so you cannot "
            + action
            + (rollout.state() == RolloutState.WAITING_APPROVAL
                ? ": approve it first"
                : ": create a new rollout instead"));
  }
}
