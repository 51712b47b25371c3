package io.slipway.api.rollout;

import io.slipway.api.rollout.GroupSelector.Candidate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code rollout}, {@code rollout_group} and {@code rollout_device} tables, and the rollout
 * columns of {@code device} and {@code fleet}. Every state change is a conditional UPDATE that
 * names the state and group it expects and reports whether it applied, so callers on any number of
 * servers sharing the database can race safely. Safe for concurrent use; methods that write more
 * than one row expect the caller's transaction.
 */
@Repository
public class RolloutRepository {

  private static final String COLUMNS =
      "id, fleet_id, release_id, state, current_group, version, success_threshold,"
          + " failure_threshold, deadline_millis, requires_approval, group_started_at, reason,"
          + " created_by, created_at, approved_by, finished_at";

  private final JdbcClient jdbc;

  public RolloutRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A rollout as a request creates it, before it has an id. */
  public record NewRollout(
      long fleetId,
      long releaseId,
      RolloutGroups groups,
      RolloutPolicy policy,
      boolean requiresApproval,
      String createdBy,
      long createdAt) {}

  /** A device that a group moved: its row id and UUID. */
  public record MovedDevice(long id, String uuid) {}

  /**
   * Stores a new rollout in state WAITING_APPROVAL with no group started, and its groups.
   *
   * @return the new rollout's id
   * @throws org.springframework.dao.DuplicateKeyException when the fleet has an unfinished rollout
   */
  public long insert(NewRollout rollout) {
    jdbc.sql(
            "INSERT INTO rollout (fleet_id, active_fleet_id, release_id, state, current_group,"
                + " success_threshold, failure_threshold, deadline_millis, requires_approval,"
                + " created_by, created_at) VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?)")
        .params(
            rollout.fleetId(),
            rollout.fleetId(),
            rollout.releaseId(),
            RolloutState.WAITING_APPROVAL.name(),
            rollout.policy().successThreshold(),
            rollout.policy().failureThreshold(),
            rollout.policy().deadline().toMillis(),
            rollout.requiresApproval(),
            rollout.createdBy(),
            rollout.createdAt())
        .update();
    long id =
        jdbc.sql("SELECT id FROM rollout WHERE active_fleet_id = ?")
            .param(rollout.fleetId())
            .query(Long.class)
            .single();
    for (int position = 0; position < rollout.groups().size(); position++) {
      RolloutGroupSpec group = rollout.groups().get(position);
      jdbc.sql(
              "INSERT INTO rollout_group (rollout_id, position, percentage, tag)"
                  + " VALUES (?, ?, ?, ?)")
          .params(id, position, group.percentage(), group.tag())
          .update();
    }
    return id;
  }

  public Optional<Rollout> findById(long id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM rollout WHERE id = ?")
        .param(id)
        .query(RolloutRepository::map)
        .optional()
        .map(this::withGroups);
  }

  /** Returns the id of the unfinished rollout of {@code fleetId}, if it has one. */
  public Optional<Long> findActiveId(long fleetId) {
    return jdbc.sql("SELECT id FROM rollout WHERE active_fleet_id = ?")
        .param(fleetId)
        .query(Long.class)
        .optional();
  }

  /** Returns the rollouts of {@code fleetId}, newest first. */
  public List<Rollout> findByFleet(long fleetId) {
    return jdbc
        .sql("SELECT " + COLUMNS + " FROM rollout WHERE fleet_id = ? ORDER BY id DESC")
        .param(fleetId)
        .query(RolloutRepository::map)
        .list()
        .stream()
        .map(this::withGroups)
        .toList();
  }

  /** Returns the ids of the rollouts in {@code state}, oldest first. */
  public List<Long> findIdsInState(RolloutState state) {
    return jdbc.sql("SELECT id FROM rollout WHERE state = ? ORDER BY id")
        .param(state.name())
        .query(Long.class)
        .list();
  }

  /**
   * Moves the rollout from group {@code expectedGroup} to the next one and sets it RUNNING, when it
   * is still at that group and in one of {@code fromStates}. The group's deadline starts at {@code
   * now}.
   *
   * @return true when this call made the step; false when another call made it first or the rollout
   *     is in another state
   */
  public boolean claimNextGroup(
      long id, int expectedGroup, Set<RolloutState> fromStates, String approvedBy, long now) {
    String approval = approvedBy == null ? "" : ", approved_by = ?";
    List<Object> params = new ArrayList<>();
    params.add(expectedGroup + 1);
    params.add(RolloutState.RUNNING.name());
    params.add(now);
    if (approvedBy != null) {
      params.add(approvedBy);
    }
    params.add(id);
    params.add(expectedGroup);
    return jdbc.sql(
                "UPDATE rollout SET current_group = ?, state = ?, group_started_at = ?,"
                    + " reason = NULL, version = version + 1"
                    + approval
                    + " WHERE id = ? AND current_group = ? AND state IN ("
                    + inList(fromStates)
                    + ")")
            .params(params)
            .update()
        == 1;
  }

  /**
   * Marks the rollout COMPLETED when it is still at its last group {@code expectedGroup} and in one
   * of {@code fromStates}; frees the fleet for the next rollout.
   *
   * @return true when this call completed it
   */
  public boolean claimCompletion(
      long id, int expectedGroup, Set<RolloutState> fromStates, long now) {
    return jdbc.sql(
                "UPDATE rollout SET state = ?, active_fleet_id = NULL, finished_at = ?,"
                    + " reason = NULL, version = version + 1"
                    + " WHERE id = ? AND current_group = ? AND state IN ("
                    + inList(fromStates)
                    + ")")
            .params(RolloutState.COMPLETED.name(), now, id, expectedGroup)
            .update()
        == 1;
  }

  /**
   * Changes the state from one of {@code fromStates} to {@code to}, when the rollout is at group
   * {@code expectedGroup} (any group when null). A finished state frees the fleet.
   *
   * @return true when this call changed it
   */
  public boolean transition(
      long id,
      Set<RolloutState> fromStates,
      Integer expectedGroup,
      RolloutState to,
      String reason,
      long now) {
    List<Object> params = new ArrayList<>();
    params.add(to.name());
    params.add(reason);
    String finish = "";
    if (to.finished()) {
      finish = ", active_fleet_id = NULL, finished_at = ?";
      params.add(now);
    }
    String restart = "";
    if (to == RolloutState.RUNNING) {
      // A resumed group gets its deadline again: the pause was a person's decision to wait.
      restart = ", group_started_at = ?";
      params.add(now);
    }
    params.add(id);
    String group = "";
    if (expectedGroup != null) {
      group = " AND current_group = ?";
      params.add(expectedGroup);
    }
    return jdbc.sql(
                "UPDATE rollout SET state = ?, reason = ?, version = version + 1"
                    + finish
                    + restart
                    + " WHERE id = ? AND state IN ("
                    + inList(fromStates)
                    + ")"
                    + group)
            .params(params)
            .update()
        == 1;
  }

  /** Records that the rollout reached group {@code position} at {@code now}. */
  public void markGroupStarted(long rolloutId, int position, long now) {
    jdbc.sql("UPDATE rollout_group SET started_at = ? WHERE rollout_id = ? AND position = ?")
        .params(now, rolloutId, position)
        .update();
  }

  /**
   * Returns the devices of {@code fleetId} that a rollout may move: approved and not pinned, each
   * with its tags as {@code name} and {@code name=value}.
   */
  public List<Candidate> findCandidates(long fleetId) {
    Map<Long, Set<String>> tags = new HashMap<>();
    jdbc.sql(
            "SELECT t.device_id, t.name, t.val FROM device_tag t JOIN device d"
                + " ON d.id = t.device_id WHERE d.fleet_id = ?")
        .param(fleetId)
        .query(
            (RowCallbackHandler)
                row -> {
                  Set<String> deviceTags =
                      tags.computeIfAbsent(row.getLong("device_id"), id -> new HashSet<>());
                  deviceTags.add(row.getString("name"));
                  deviceTags.add(row.getString("name") + "=" + row.getString("val"));
                });
    return jdbc.sql(
            "SELECT id, uuid FROM device WHERE fleet_id = ? AND approved = TRUE"
                + " AND pinned_release_id IS NULL")
        .param(fleetId)
        .query(
            (row, number) ->
                new Candidate(
                    row.getLong("id"),
                    row.getString("uuid"),
                    tags.getOrDefault(row.getLong("id"), Set.of())))
        .list();
  }

  /** Returns the row ids of every device the rollout has moved, in any group. */
  public Set<Long> findMovedDeviceIds(long rolloutId) {
    return new HashSet<>(
        jdbc.sql("SELECT device_id FROM rollout_device WHERE rollout_id = ?")
            .param(rolloutId)
            .query(Long.class)
            .list());
  }

  /** Returns the row ids of the devices that group {@code position} moved, per group position. */
  public Map<Integer, List<Long>> findMovedDevicesByGroup(long rolloutId) {
    Map<Integer, List<Long>> byGroup = new LinkedHashMap<>();
    jdbc.sql(
            "SELECT position, device_id FROM rollout_device WHERE rollout_id = ?"
                + " ORDER BY position, device_id")
        .param(rolloutId)
        .query(
            (RowCallbackHandler)
                row -> {
                  byGroup
                      .computeIfAbsent(row.getInt("position"), position -> new ArrayList<>())
                      .add(row.getLong("device_id"));
                });
    return byGroup;
  }

  /**
   * Moves {@code devices} to the release as group {@code position}: records them and sets their
   * rollout release, bumping each one's target version.
   */
  public void moveDevices(
      long rolloutId, int position, long releaseId, Collection<Candidate> devices, long now) {
    for (Candidate device : devices) {
      jdbc.sql(
              "INSERT INTO rollout_device (rollout_id, device_id, position, moved_at)"
                  + " VALUES (?, ?, ?, ?)")
          .params(rolloutId, device.id(), position, now)
          .update();
      jdbc.sql(
              "UPDATE device SET rollout_release_id = ?, target_version = target_version + 1"
                  + " WHERE id = ?")
          .params(releaseId, device.id())
          .update();
    }
  }

  /**
   * Clears the rollout release of every device of {@code fleetId} that has one, bumping their
   * target versions.
   *
   * @return the devices it changed
   */
  public List<MovedDevice> clearRolloutRelease(long fleetId) {
    List<MovedDevice> devices =
        jdbc.sql(
                "SELECT id, uuid FROM device WHERE fleet_id = ?"
                    + " AND rollout_release_id IS NOT NULL ORDER BY uuid")
            .param(fleetId)
            .query((row, number) -> new MovedDevice(row.getLong("id"), row.getString("uuid")))
            .list();
    jdbc.sql(
            "UPDATE device SET rollout_release_id = NULL, target_version = target_version + 1"
                + " WHERE fleet_id = ? AND rollout_release_id IS NOT NULL")
        .param(fleetId)
        .update();
    return devices;
  }

  private static String inList(Set<RolloutState> states) {
    if (states.isEmpty()) {
      throw new IllegalArgumentException("A transition needs at least one state to start from");
    }
    return states.stream().map(state -> "'" + state.name() + "'").collect(Collectors.joining(", "));
  }

  // Groups are read after the rollout rows, so no query runs while another's result is open.
  private static Rollout map(ResultSet row, int number) throws SQLException {
    return new Rollout(
        row.getLong("id"),
        row.getLong("fleet_id"),
        row.getLong("release_id"),
        RolloutState.valueOf(row.getString("state")),
        row.getInt("current_group"),
        row.getLong("version"),
        new RolloutPolicy(
            row.getDouble("success_threshold"),
            row.getDouble("failure_threshold"),
            Duration.ofMillis(row.getLong("deadline_millis"))),
        row.getBoolean("requires_approval"),
        row.getObject("group_started_at", Long.class),
        row.getString("reason"),
        row.getString("created_by"),
        row.getLong("created_at"),
        row.getString("approved_by"),
        row.getObject("finished_at", Long.class),
        List.of());
  }

  private Rollout withGroups(Rollout rollout) {
    List<RolloutGroup> groups =
        jdbc.sql(
                "SELECT position, percentage, tag, started_at FROM rollout_group"
                    + " WHERE rollout_id = ? ORDER BY position")
            .param(rollout.id())
            .query(
                (row, number) ->
                    new RolloutGroup(
                        row.getInt("position"),
                        new RolloutGroupSpec(
                            row.getObject("percentage", Integer.class), row.getString("tag")),
                        row.getObject("started_at", Long.class)))
            .list();
    return new Rollout(
        rollout.id(),
        rollout.fleetId(),
        rollout.releaseId(),
        rollout.state(),
        rollout.currentGroup(),
        rollout.version(),
        rollout.policy(),
        rollout.requiresApproval(),
        rollout.groupStartedAt(),
        rollout.reason(),
        rollout.createdBy(),
        rollout.createdAt(),
        rollout.approvedBy(),
        rollout.finishedAt(),
        groups);
  }
}
