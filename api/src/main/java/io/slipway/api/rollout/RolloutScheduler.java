package io.slipway.api.rollout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Evaluates every running rollout at a fixed delay, {@code slipway.rollout.tick} (an ISO-8601
 * duration, {@value #DEFAULT_TICK} by default). Every server sharing the database ticks; the
 * conditional updates of {@link RolloutService} let only one of them make each step.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class RolloutScheduler {

  /** Delay between the end of one tick and the start of the next when none is set. */
  public static final String DEFAULT_TICK = "PT10S";

  private static final Logger log = LoggerFactory.getLogger(RolloutScheduler.class);

  private final RolloutService service;

  public RolloutScheduler(RolloutService service) {
    this.service = service;
  }

  /** Evaluates each running rollout once; one rollout's failure does not stop the others. */
  @Scheduled(
      fixedDelayString = "${slipway.rollout.tick:" + DEFAULT_TICK + "}",
      initialDelayString = "${slipway.rollout.tick:" + DEFAULT_TICK + "}")
  public void tick() {
    for (long id : service.runningIds()) {
      try {
        service.evaluate(id);
      } catch (RuntimeException e) {
        log.warn("Rollout {} could not be evaluated; the next tick tries again", id, e);
      }
    }
  }
}
