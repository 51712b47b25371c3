package io.slipway.api.control.command;

import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Ends pending commands whose deadline passed as {@code TIMED_OUT}, every {@code
 * slipway.control.command-sweep} ({@value #DEFAULT_SWEEP} by default), and wakes whoever waits for
 * them. The query reads the {@code (status, deadline)} index, so an idle sweep is one cheap
 * statement. Every server sharing the database sweeps; the conditional update ends each command
 * once.
 */
@Component
@EnableScheduling
class CommandSweeper {

  /** Delay between two sweeps when none is set. */
  static final String DEFAULT_SWEEP = "PT1S";

  /** Commands ended per statement batch. */
  static final int BATCH = 1000;

  private static final Logger log = LoggerFactory.getLogger(CommandSweeper.class);

  private final CommandRepository commands;
  private final CommandWaiters waiters;
  private final Clock clock;

  CommandSweeper(CommandRepository commands, CommandWaiters waiters, Clock clock) {
    this.commands = commands;
    this.waiters = waiters;
    this.clock = clock;
  }

  /** Ends every overdue command; returns how many it ended. */
  @Scheduled(
      fixedDelayString = "${slipway.control.command-sweep:" + DEFAULT_SWEEP + "}",
      initialDelayString = "${slipway.control.command-sweep:" + DEFAULT_SWEEP + "}")
  public int sweep() {
    long now = clock.millis();
    int ended = 0;
    while (true) {
      List<String> overdue = commands.findOverdue(now, BATCH);
      if (overdue.isEmpty()) {
        break;
      }
      commands.timeOut(overdue, now);
      overdue.forEach(waiters::ended);
      ended += overdue.size();
      log.info(
          "{} commands timed out without an answer: {}",
          overdue.size(),
          overdue.size() <= 10 ? overdue : overdue.subList(0, 10) + " and more");
      if (overdue.size() < BATCH) {
        break;
      }
    }
    return ended;
  }
}
