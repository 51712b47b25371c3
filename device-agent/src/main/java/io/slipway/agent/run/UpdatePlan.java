package io.slipway.agent.run;

import io.slipway.agent.client.TargetService;
import io.slipway.agent.client.TargetState;
import io.slipway.agent.engine.ServiceRunner;
import io.slipway.agent.engine.UpdateStrategy;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decisions about one switch from the current release to a target. Stateless. */
final class UpdatePlan {

  private static final Logger log = LoggerFactory.getLogger(UpdatePlan.class);

  private UpdatePlan() {}

  /**
   * Returns the services of {@code current} that move to another image and whose strategy, read
   * from the target's labels as balena does, is kill-then-download. An unknown strategy label
   * counts as the default, download-then-kill, with a warning.
   */
  static Set<String> killThenDownload(InstalledRelease current, TargetState target) {
    Set<String> stop = new TreeSet<>();
    for (TargetService service : target.services().values()) {
      InstalledService installed = current.services().get(service.name());
      if (installed == null || installed.image().equals(service.image())) {
        continue;
      }
      if (strategy(service) == UpdateStrategy.KILL_THEN_DOWNLOAD) {
        stop.add(service.name());
      }
    }
    return stop;
  }

  private static UpdateStrategy strategy(TargetService service) {
    try {
      return ServiceRunner.strategyOf(service.labels());
    } catch (IllegalArgumentException e) {
      log.warn(
          "Service {} names an unknown update strategy ({}); using download-then-kill",
          service.name(),
          e.getMessage());
      return UpdateStrategy.DOWNLOAD_THEN_KILL;
    }
  }
}
