package io.slipway.api.build;

import io.slipway.builder.pipeline.ReleasePipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Resumes, once the server is ready, the builds that a previous process left running when it ended:
 * each continues from the step it was in, and partitions that had finished are not built again.
 *
 * <p>New builds wait for this: until the recovery has run, {@link #isDone()} is false and {@link
 * BuildService} returns {@code BUILDER_UNAVAILABLE}, so that the recovery never mistakes a build
 * that has just been launched for one left by a dead process.
 *
 * <p>NOTE: every execution still running in the job repository counts as left behind, so two server
 * instances must not share one database while they build.
 */
@Component
class BuildRecovery {

  private static final Logger log = LoggerFactory.getLogger(BuildRecovery.class);

  private final ObjectProvider<ReleasePipeline> pipeline;
  private volatile boolean done;

  BuildRecovery(ObjectProvider<ReleasePipeline> pipeline) {
    this.pipeline = pipeline;
  }

  /** Returns true once unfinished builds were restarted and new ones may start. */
  boolean isDone() {
    return done;
  }

  @EventListener
  void onReady(ApplicationReadyEvent event) {
    try {
      recover();
    } finally {
      done = true;
    }
  }

  private void recover() {
    ReleasePipeline builds = pipeline.getIfAvailable();
    if (builds == null) {
      return;
    }
    try {
      int restarted = builds.recoverInterrupted();
      if (restarted > 0) {
        log.info("Restarted {} builds that a previous run left unfinished", restarted);
      } else {
        log.info("No unfinished builds to restart");
      }
    } catch (RuntimeException e) {
      log.error("Cannot restart unfinished builds; their releases stay RUNNING", e);
    }
  }
}
