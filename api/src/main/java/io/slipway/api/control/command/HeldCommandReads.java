package io.slipway.api.control.command;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Reads of one command that wait for it to end ({@code ?wait=}), held without a request thread: the
 * response is written when the command ends or the wait runs out. At most {@code
 * slipway.control.command-waits-per-user} reads (20 by default) per user and {@code
 * slipway.control.command-waits} (500) on the whole server are held at once; one more is rejected
 * with {@code 429 COMMAND_WAIT_LIMIT_REACHED}. When the server stops, every held read is answered
 * at once with the command as it stands, so that graceful shutdown does not wait for them.
 * Thread-safe.
 */
@Component
class HeldCommandReads implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(HeldCommandReads.class);

  private final CommandWaiters waiters;
  private final CommandRepository commands;
  private final int maxPerUser;
  private final int maxTotal;
  private final Map<String, AtomicInteger> heldByUser = new ConcurrentHashMap<>();
  private final AtomicInteger heldTotal = new AtomicInteger();
  private final Set<CompletableFuture<Void>> held = ConcurrentHashMap.newKeySet();
  private volatile boolean running;

  HeldCommandReads(
      CommandWaiters waiters,
      CommandRepository commands,
      @Value("${slipway.control.command-waits-per-user:20}") int maxPerUser,
      @Value("${slipway.control.command-waits:500}") int maxTotal) {
    if (maxPerUser < 1 || maxTotal < 1) {
      throw new IllegalArgumentException(
          "slipway.control.command-waits-per-user ("
              + maxPerUser
              + ") and slipway.control.command-waits ("
              + maxTotal
              + ") must be at least 1");
    }
    this.waiters = waiters;
    this.commands = commands;
    this.maxPerUser = maxPerUser;
    this.maxTotal = maxTotal;
  }

  /** Returns a result that is already complete with {@code command}. */
  static DeferredResult<CommandView> answered(Command command) {
    DeferredResult<CommandView> result = new DeferredResult<>();
    result.setResult(CommandView.of(command));
    return result;
  }

  /**
   * Holds a read of {@code pending} by {@code who} until the command ends or {@code max} passes,
   * then returns the command as it is then. Once the server is stopping, returns it at once.
   *
   * @throws ApiException {@code COMMAND_WAIT_LIMIT_REACHED} when {@code who} or the server holds as
   *     many waiting reads as allowed
   */
  DeferredResult<CommandView> hold(Identity who, Command pending, Duration max) {
    if (!running) {
      return answered(pending);
    }
    String user = who.kind() + ":" + who.subject();
    reserve(user, pending);

    String id = pending.id();
    CompletableFuture<Void> ended = waiters.join(id);
    held.add(ended);
    DeferredResult<CommandView> result = new DeferredResult<>(max.toMillis());
    AtomicBoolean released = new AtomicBoolean();
    result.onCompletion(() -> release(user, id, ended, released));
    result.onTimeout(() -> result.setResult(CommandView.of(current(pending))));
    // The read runs on the common pool, not on the thread that ended the command, which is the
    // link's acknowledgement thread or the sweeper.
    ended.thenRunAsync(() -> result.setResult(CommandView.of(current(pending))));

    // The command may have ended between the caller's read and join above.
    if (current(pending).status() != Command.Status.PENDING) {
      ended.complete(null);
    }
    return result;
  }

  private void reserve(String user, Command pending) {
    AtomicInteger mine = heldByUser.computeIfAbsent(user, key -> new AtomicInteger());
    if (mine.incrementAndGet() > maxPerUser) {
      mine.decrementAndGet();
      throw limitReached(pending, maxPerUser + " waiting reads per user");
    }
    if (heldTotal.incrementAndGet() > maxTotal) {
      heldTotal.decrementAndGet();
      mine.decrementAndGet();
      log.warn("Rejected a wait for command {}: {} waiting reads are held", pending.id(), maxTotal);
      throw limitReached(pending, maxTotal + " waiting reads on this server");
    }
  }

  private void release(
      String user, String id, CompletableFuture<Void> ended, AtomicBoolean released) {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    held.remove(ended);
    waiters.leave(id);
    heldTotal.decrementAndGet();
    // Entries stay, at one per user, so that a concurrent reserve never counts on a removed one.
    heldByUser.get(user).decrementAndGet();
  }

  private Command current(Command pending) {
    return commands.findById(pending.id()).orElse(pending);
  }

  private static ApiException limitReached(Command pending, String limit) {
    return new ApiException(
        ErrorCode.COMMAND_WAIT_LIMIT_REACHED,
        "Too many reads wait for commands to end (at most "
            + limit
            + "): read command "
            + pending.id()
            + " without wait, or wait for another read to end and try again");
  }

  /** Returns how many reads are held now. */
  int heldCount() {
    return heldTotal.get();
  }

  @Override
  public void start() {
    running = true;
  }

  /** Completes every held read with its command as it is now. */
  @Override
  public void stop() {
    running = false;
    for (CompletableFuture<Void> ended : Set.copyOf(held)) {
      ended.complete(null);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before the web server's graceful shutdown, which waits for open requests. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }
}
