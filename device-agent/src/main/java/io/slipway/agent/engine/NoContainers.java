package io.slipway.agent.engine;

import io.slipway.agent.client.LogLine;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.terminal.Terminal;
import io.slipway.delta.layout.OciLayout;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A runner without an engine, for simulated devices: it remembers the release it was asked to run
 * and reports each of its services as {@code running}, or {@code exited} while an operator stopped
 * it. No lock is ever held, no log line is produced and no terminal can be opened. Thread-safe.
 */
public final class NoContainers implements ServiceRunner {

  private InstalledRelease release;
  private final Set<String> stoppedByOperator = new HashSet<>();
  private volatile Map<String, String> status = Map.of();

  @Override
  public void load(InstalledRelease release, OciLayout layout) {
    // Nothing to load: there is no engine.
  }

  @Override
  public void check(InstalledRelease release) {
    // Nothing to check: no container is created.
  }

  @Override
  public Set<String> heldLocks(Set<String> services) {
    return Set.of();
  }

  @Override
  public synchronized void stop(Set<String> services) {
    Map<String, String> remaining = new TreeMap<>(status);
    remaining.keySet().removeAll(services);
    status = Map.copyOf(remaining);
  }

  @Override
  public synchronized void reconcile(InstalledRelease release) {
    if (this.release == null || this.release.releaseId() != release.releaseId()) {
      stoppedByOperator.clear();
    }
    this.release = release;
    Map<String, String> running = new TreeMap<>();
    for (String service : release.services().keySet()) {
      running.put(service, stoppedByOperator.contains(service) ? "exited" : "running");
    }
    status = Map.copyOf(running);
  }

  @Override
  public synchronized void restartService(String service) {
    startService(service);
  }

  @Override
  public synchronized void stopService(String service) {
    requireService(service);
    stoppedByOperator.add(service);
    setStatus(service, "exited");
  }

  @Override
  public synchronized void startService(String service) {
    requireService(service);
    stoppedByOperator.remove(service);
    setStatus(service, "running");
  }

  @Override
  public Terminal openTerminal(String service, int cols, int rows) {
    throw new IllegalStateException("A simulated device has no containers to open a terminal in");
  }

  @Override
  public AutoCloseable followLogs(Consumer<LogLine> sink) {
    return () -> {};
  }

  @Override
  public Map<String, String> status() {
    return status;
  }

  private void requireService(String service) {
    if (release == null || !release.services().containsKey(service)) {
      throw ServiceRunner.unknownService(service, release);
    }
  }

  private void setStatus(String service, String state) {
    Map<String, String> changed = new TreeMap<>(status);
    changed.put(service, state);
    status = Map.copyOf(changed);
  }
}
