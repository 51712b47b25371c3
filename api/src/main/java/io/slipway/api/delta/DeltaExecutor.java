package io.slipway.api.delta;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * The bounded pool that makes deltas on request: {@code slipway.delta.threads} threads and a queue
 * of {@value #QUEUE} pairs, beyond which pairs are rejected and retried at a later request. The
 * threads are daemon threads, so a delta being made never keeps the process alive at shutdown. Its
 * claim then goes stale, and another server, or this one after a restart, makes it again.
 */
@Component
class DeltaExecutor implements DisposableBean {

  /** How many claimed pairs may wait for a thread. */
  static final int QUEUE = 256;

  private final ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();

  DeltaExecutor(DeltaProperties properties) {
    pool.setThreadNamePrefix("delta-");
    pool.setCorePoolSize(properties.threads());
    pool.setMaxPoolSize(properties.threads());
    pool.setQueueCapacity(QUEUE);
    pool.setDaemon(true);
    pool.initialize();
  }

  /** Returns the pool. */
  TaskExecutor executor() {
    return pool;
  }

  @Override
  public void destroy() {
    pool.shutdown();
  }
}
