package io.slipway.api.control.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CommandWaitersTest {

  @Test
  void endedWakesEveryWaiter() {
    CommandWaiters waiters = new CommandWaiters();
    CompletableFuture<Void> first = waiters.join("cmd_1");
    CompletableFuture<Void> second = waiters.join("cmd_1");

    waiters.ended("cmd_1");

    assertThat(first).isDone();
    assertThat(second).isSameAs(first);
  }

  @Test
  void lastLeaveDropsEntry() {
    CommandWaiters waiters = new CommandWaiters();
    waiters.join("cmd_1");
    waiters.join("cmd_1");

    waiters.leave("cmd_1");
    assertThat(waiters.size()).isEqualTo(1);
    waiters.leave("cmd_1");

    assertThat(waiters.size()).isZero();
  }

  @Test
  void endWithoutWaitersKeepsNothing() {
    CommandWaiters waiters = new CommandWaiters();

    waiters.ended("cmd_1");

    assertThat(waiters.size()).isZero();
  }

  @Test
  void awaitReturnsWhenTimeRunsOut() throws InterruptedException {
    CompletableFuture<Void> never = new CompletableFuture<>();

    CommandWaiters.await(never, Duration.ofMillis(1));

    assertThat(never).isNotDone();
  }
}
