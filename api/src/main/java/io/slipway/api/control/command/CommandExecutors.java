package io.slipway.api.control.command;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * The bounded thread pools of the command slice: one that applies devices' acknowledgements, which
 * the link must not wait for, and one that sends {@code update} messages after target changes, off
 * the request threads. Each queues at most {@value #QUEUE} tasks and rejects more. The threads are
 * daemon threads, so queued work never keeps the process alive at shutdown.
 */
@Component
class CommandExecutors implements DisposableBean {

  /** How many tasks each pool queues before it rejects more. */
  static final int QUEUE = 50_000;

  /** How many threads apply acknowledgements. */
  static final int ACK_THREADS = 4;

  // Acknowledgements of different commands are independent, and a repeated one is ignored by the
  // conditional update that ends a command, so several threads may apply them in any order. One
  // thread kept up with about 300 a second on 2 cores, too few for a fleet-wide command to 10,000
  // devices to end before its 30-second deadline.
  private final ThreadPoolTaskExecutor acks = pool("command-acks-", ACK_THREADS);
  private final ThreadPoolTaskExecutor updates = pool("command-updates-", 1);

  /** Returns the pool that applies acknowledgements. */
  TaskExecutor acks() {
    return acks;
  }

  /** Returns the pool that sends {@code update} messages after target changes. */
  TaskExecutor updates() {
    return updates;
  }

  @Override
  public void destroy() {
    acks.shutdown();
    updates.shutdown();
  }

  private static ThreadPoolTaskExecutor pool(String prefix, int threads) {
    ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
    pool.setThreadNamePrefix(prefix);
    pool.setCorePoolSize(threads);
    pool.setMaxPoolSize(threads);
    pool.setQueueCapacity(QUEUE);
    pool.setDaemon(true);
    pool.initialize();
    return pool;
  }
}
