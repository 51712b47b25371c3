package io.slipway.agent.engine;

import io.slipway.agent.client.LogLine;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.delta.layout.OciLayout;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A runner without an engine, for simulated devices: it remembers the release it was asked to run
 * and reports each of its services as {@code running}. No lock is ever held and no log line is
 * produced. Thread-safe.
 */
public final class NoContainers implements ServiceRunner {

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
  public void stop(Set<String> services) {
    Map<String, String> remaining = new TreeMap<>(status);
    remaining.keySet().removeAll(services);
    status = Map.copyOf(remaining);
  }

  @Override
  public void reconcile(InstalledRelease release) {
    Map<String, String> running = new TreeMap<>();
    release.services().keySet().forEach(service -> running.put(service, "running"));
    status = Map.copyOf(running);
  }

  @Override
  public AutoCloseable followLogs(Consumer<LogLine> sink) {
    return () -> {};
  }

  @Override
  public Map<String, String> status() {
    return status;
  }
}
