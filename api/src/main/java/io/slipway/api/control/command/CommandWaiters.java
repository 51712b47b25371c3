package io.slipway.api.control.command;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;

/**
 * Lets threads wait for commands to end without polling: one future per command id that someone
 * waits for, completed by whoever ends the command (an acknowledgement or the sweeper). Entries
 * exist only while a thread waits, so ids nobody waits for cost nothing. Thread-safe.
 */
@Component
class CommandWaiters {

  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

  /** The future of one command id and how many threads wait on it. */
  private record Waiting(CompletableFuture<Void> ended, int count) {}

  /**
   * Registers the calling thread as waiting for {@code commandId}. Call it before reading the
   * command's status, so that an end that happens in between is not missed, and pair it with {@link
   * #leave}.
   */
  CompletableFuture<Void> join(String commandId) {
    Waiting entry =
        waiting.compute(
            commandId,
            (id, current) ->
                current == null
                    ? new Waiting(new CompletableFuture<>(), 1)
                    : new Waiting(current.ended(), current.count() + 1));
    return entry.ended();
  }

  /** Unregisters one waiting thread of {@code commandId}. */
  void leave(String commandId) {
    waiting.computeIfPresent(
        commandId,
        (id, current) ->
            current.count() <= 1 ? null : new Waiting(current.ended(), current.count() - 1));
  }

  /** Wakes every thread waiting for {@code commandId}; nothing happens when none waits. */
  void ended(String commandId) {
    Waiting entry = waiting.get(commandId);
    if (entry != null) {
      entry.ended().complete(null);
    }
  }

  /**
   * Waits until {@code ended} completes or {@code max} passes.
   *
   * @throws InterruptedException when the thread is interrupted
   */
  static void await(CompletableFuture<Void> ended, Duration max) throws InterruptedException {
    try {
      ended.get(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Time ran out; the caller reads the command as it stands.
    }
  }

  /** Returns how many command ids someone waits for. */
  int size() {
    return waiting.size();
  }
}
