package io.slipway.api.git;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PreReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a push to a fleet's repository. It rejects unknown push options and the deletion of the
 * deploy branch. It updates the refs itself, so that they land whatever the build does. Then it
 * builds a new commit of the deploy branch and streams the build to the client. A failed build
 * marks the deploy branch's command rejected after its ref landed, so git reports an error and the
 * next push is a plain fast-forward. It gives the push's unpack turn back first, as the pack is
 * received and checked by then. One instance serves one push.
 */
final class DeployHook implements PreReceiveHook {

  /** How many updated refs the audit entry of a push lists. */
  static final int AUDITED_REFS = 100;

  /** How many updated refs the log line of a push lists. */
  private static final int LOGGED_REFS = 5;

  private static final Logger log = LoggerFactory.getLogger(DeployHook.class);

  private final Identity who;
  private final Fleet fleet;
  private final DeployBuild builds;
  private final AuditLog audit;
  private final UnpackPermits.Permit unpackPermit;

  /**
   * @param unpackPermit the push's unpack turn, given back when this hook starts; null when none
   */
  DeployHook(
      Identity who,
      Fleet fleet,
      DeployBuild builds,
      AuditLog audit,
      UnpackPermits.Permit unpackPermit) {
    this.who = who;
    this.fleet = fleet;
    this.builds = builds;
    this.audit = audit;
    this.unpackPermit = unpackPermit;
  }

  @Override
  public void onPreReceive(ReceivePack receivePack, Collection<ReceiveCommand> commands) {
    if (unpackPermit != null) {
      unpackPermit.release();
    }
    PushMessages messages = new PushMessages(receivePack);
    PushOptions options;
    try {
      options = PushOptions.parse(receivePack.getPushOptions());
    } catch (IllegalArgumentException e) {
      messages.send(e.getMessage());
      commands.forEach(command -> reject(command, "unknown push option"));
      return;
    }

    rejectUnstorableRefs(receivePack, commands, messages);
    ReceiveCommand deploy = deployCommand(commands, messages);
    if (deploy != null && deploy.getResult() != ReceiveCommand.Result.NOT_ATTEMPTED) {
      deploy = null;
    }

    List<ReceiveCommand> applied = apply(receivePack, commands);
    if (applied.isEmpty()) {
      return;
    }
    record(applied);
    for (ReceiveCommand command : applied) {
      if (command != deploy) {
        messages.send(stored(command));
      }
    }

    if (deploy == null || deploy.getResult() != ReceiveCommand.Result.OK) {
      return;
    }
    Optional<String> failure =
        builds.run(who, fleet, receivePack.getRepository(), deploy.getNewId(), options, messages);
    if (failure.isPresent()) {
      deploy.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, failure.get());
    }
  }

  /**
   * Returns the command that moves the deploy branch, or null. A command deleting the deploy branch
   * is rejected here, and null is returned for it.
   */
  private ReceiveCommand deployCommand(Collection<ReceiveCommand> commands, PushMessages messages) {
    for (ReceiveCommand command : commands) {
      if (!command.getRefName().equals(fleet.deployRef())) {
        continue;
      }
      if (command.getType() != ReceiveCommand.Type.DELETE) {
        return command;
      }
      messages.send(
          "The deploy branch '"
              + fleet.deployBranch()
              + "' of fleet "
              + fleet.repositoryPrefix()
              + " cannot be deleted: push a new commit to it, or choose another deploy branch"
              + " with PATCH /api/v1/orgs/"
              + fleet.organizationSlug()
              + "/fleets/"
              + fleet.slug()
              + " first");
      reject(command, "the deploy branch cannot be deleted");
    }
    return null;
  }

  /**
   * Updates the refs of the commands nothing rejected yet, as {@code ReceivePack} would after this
   * hook; it then skips them, as they are no longer {@code NOT_ATTEMPTED}.
   *
   * @return the commands whose refs were updated
   */
  private List<ReceiveCommand> apply(ReceivePack receivePack, Collection<ReceiveCommand> commands) {
    List<ReceiveCommand> pending =
        commands.stream()
            .filter(command -> command.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED)
            .toList();
    if (pending.isEmpty()) {
      return List.of();
    }
    if (receivePack.isAtomic() && pending.size() < commands.size()) {
      // An atomic push changes all its refs or none, and this hook rejected some.
      pending.forEach(command -> reject(command, "transaction aborted"));
      return List.of();
    }

    BatchRefUpdate batch = receivePack.getRepository().getRefDatabase().newBatchUpdate();
    batch.setAllowNonFastForwards(true);
    batch.setAtomic(receivePack.isAtomic());
    batch.setRefLogIdent(new PersonIdent(who.subject(), who.subject() + "@slipway"));
    batch.setRefLogMessage("push", true);
    batch.addCommand(pending);
    try {
      batch.execute(receivePack.getRevWalk(), NullProgressMonitor.INSTANCE);
    } catch (IOException e) {
      log.error(
          "Push by '{}' to fleet {} could not update refs",
          who.subject(),
          fleet.repositoryPrefix(),
          e);
      for (ReceiveCommand command : pending) {
        if (command.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED) {
          reject(command, "the server could not update the ref");
        }
      }
    }
    return pending.stream()
        .filter(command -> command.getResult() == ReceiveCommand.Result.OK)
        .toList();
  }

  private void record(List<ReceiveCommand> applied) {
    List<String> refs = new ArrayList<>();
    for (ReceiveCommand command : applied) {
      refs.add(
          command.getRefName()
              + " "
              + command.getOldId().name()
              + " -> "
              + command.getNewId().name());
    }
    // A push may update thousands of tags; the entry and the line keep a bounded part of them.
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fleet", fleet.repositoryPrefix());
    details.put("refCount", refs.size());
    details.put("refs", refs.subList(0, Math.min(refs.size(), AUDITED_REFS)));
    if (refs.size() > AUDITED_REFS) {
      details.put("more", refs.size() - AUDITED_REFS);
    }
    audit.record(
        who, "git.push", "fleet", fleet.repositoryPrefix(), fleet.organizationId(), details);
    log.info(
        "Push by '{}' to fleet {} updated {} refs: {}{}",
        who.subject(),
        fleet.repositoryPrefix(),
        refs.size(),
        refs.subList(0, Math.min(refs.size(), LOGGED_REFS)),
        refs.size() > LOGGED_REFS ? " and " + (refs.size() - LOGGED_REFS) + " more" : "");
  }

  private String stored(ReceiveCommand command) {
    String name = command.getRefName();
    if (command.getType() == ReceiveCommand.Type.DELETE) {
      return "Deleted " + name;
    }
    String commit = abbreviate(command.getNewId());
    if (name.startsWith(Constants.R_TAGS)) {
      return "Stored tag "
          + name.substring(Constants.R_TAGS.length())
          + " at "
          + commit
          + "; tags are not built";
    }
    return "Stored "
        + name
        + " at "
        + commit
        + "; only the deploy branch '"
        + fleet.deployBranch()
        + "' is built";
  }

  /**
   * Rejects updates that would leave the repository unusable or unexpected: refs outside {@code
   * refs/heads/} and {@code refs/tags/}, a branch named {@code HEAD}, and a branch pointing at
   * anything but a commit, which would break every later clone. Deletions pass.
   */
  private void rejectUnstorableRefs(
      ReceivePack receivePack, Collection<ReceiveCommand> commands, PushMessages messages) {
    for (ReceiveCommand command : commands) {
      if (command.getType() == ReceiveCommand.Type.DELETE) {
        continue;
      }
      String name = command.getRefName();
      boolean branch = name.startsWith(Constants.R_HEADS);
      if (!branch && !name.startsWith(Constants.R_TAGS)) {
        messages.send(
            "Ref "
                + name
                + " is not stored: this server keeps branches (refs/heads/) and tags (refs/tags/)"
                + " only");
        reject(command, "only branches and tags are stored");
      } else if (name.equals(Constants.R_HEADS + Constants.HEAD)) {
        messages.send("A branch named HEAD is not stored: git confuses it with HEAD; rename it");
        reject(command, "branch HEAD is not allowed");
      } else if (branch && !pointsAtCommit(receivePack, command)) {
        messages.send(
            "Branch "
                + name.substring(Constants.R_HEADS.length())
                + " must point at a commit, and "
                + abbreviate(command.getNewId())
                + " is not one: push the commit itself, such as TAG^{commit}:BRANCH");
        reject(command, "not a commit");
      }
    }
  }

  /**
   * Returns true when the command's new object is a commit. An annotated tag pushed onto the deploy
   * branch would otherwise be built under the tag's id rather than its commit's.
   */
  private boolean pointsAtCommit(ReceivePack receivePack, ReceiveCommand command) {
    try {
      return receivePack.getRevWalk().parseAny(command.getNewId()) instanceof RevCommit;
    } catch (IOException e) {
      log.warn(
          "Push to fleet {}: cannot read object {}: {}",
          fleet.repositoryPrefix(),
          command.getNewId().name(),
          e.getMessage());
      return false;
    }
  }

  private static String abbreviate(ObjectId id) {
    return id.name().substring(0, 12);
  }

  private static void reject(ReceiveCommand command, String reason) {
    if (command.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED) {
      command.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, reason);
    }
  }
}
