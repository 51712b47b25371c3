package io.slipway.agent.engine;

import io.slipway.agent.client.LogLine;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import io.slipway.agent.terminal.Terminal;
import io.slipway.delta.layout.OciLayout;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Runs a release's services on the device's container engine. Containers carry the labels {@code
 * io.slipway.device} (the device UUID), {@code io.slipway.service} and {@code io.slipway.release},
 * so several agents may share one engine (tests, simulations) without touching each other's
 * containers.
 *
 * <p>Update locks: each service gets the host directory {@code DATA/locks/SERVICE} mounted at
 * {@code /tmp/slipway} in its container; while {@code updates.lock} exists there the service holds
 * its lock.
 *
 * <p>Methods are called from the agent's one update thread, except {@link #status()}, which is
 * thread-safe, and the service commands ({@link #restartService}, {@link #stopService}, {@link
 * #startService}, {@link #openTerminal}), which the control channel calls from its own thread:
 * implementations keep them and {@link #reconcile} from running at the same time.
 *
 * <p>A service that an operator stopped with {@link #stopService} stays stopped through later calls
 * of {@link #reconcile} of the same release, until {@link #startService} or {@link #restartService}
 * runs it again or a reconcile of another release starts it.
 */
public interface ServiceRunner {

  /**
   * Loads the images of {@code release} from {@code layout} into the engine; images the engine
   * already holds are skipped.
   *
   * @throws io.slipway.agent.AgentException {@code ENGINE_FAILED} naming the service and image
   */
  void load(InstalledRelease release, OciLayout layout);

  /**
   * Checks that the engine can create every container of {@code release}, whose images are loaded,
   * without creating, starting or removing anything: each service's compose configuration and
   * mounts are valid for this device, and its image or configuration names a command. The agent
   * calls it before it commits a release, so a release that cannot run is rejected while the old
   * one keeps running.
   *
   * @throws io.slipway.agent.AgentException {@code ENGINE_FAILED} naming the service, the key and
   *     the fix
   */
  void check(InstalledRelease release);

  /** Returns the services among {@code services} whose update lock is held now. */
  Set<String> heldLocks(Set<String> services);

  /** Stops and removes the containers of {@code services} (kill-then-download). */
  void stop(Set<String> services);

  /**
   * Makes the engine run exactly {@code release}: creates and starts each service whose container
   * is missing or differs (image, environment, labels, configuration), removes containers of this
   * device that belong to no service of the release. Idempotent; the agent calls it at start to
   * repair whatever a crash left.
   *
   * @throws io.slipway.agent.AgentException {@code ENGINE_FAILED} naming the service
   */
  void reconcile(InstalledRelease release);

  /**
   * Restarts the container of {@code service} in the release last reconciled, or creates it when it
   * is missing; a service an operator stopped runs again.
   *
   * @throws IllegalArgumentException naming the service and the known services when the release has
   *     no such service
   * @throws io.slipway.agent.AgentException {@code ENGINE_FAILED} naming the service
   */
  void restartService(String service);

  /**
   * Stops the container of {@code service} without removing it, and keeps it stopped through later
   * reconciles of the same release.
   *
   * @throws IllegalArgumentException naming the service and the known services when the release has
   *     no such service
   * @throws io.slipway.agent.AgentException {@code ENGINE_FAILED} naming the service
   */
  void stopService(String service);

  /**
   * Starts the container of {@code service} again, or creates it when it is missing.
   *
   * @throws IllegalArgumentException naming the service and the known services when the release has
   *     no such service
   * @throws io.slipway.agent.AgentException {@code ENGINE_FAILED} naming the service
   */
  void startService(String service);

  /**
   * Starts an interactive shell ({@code /bin/sh}) with a terminal in the running container of
   * {@code service}.
   *
   * @throws IllegalArgumentException naming the service when the release has no such service or its
   *     container does not run
   * @throws IllegalStateException when this runner cannot open terminals
   * @throws io.slipway.agent.AgentException {@code ENGINE_FAILED} naming the service
   */
  Terminal openTerminal(String service, int cols, int rows);

  /**
   * Follows the output of this device's containers, including ones created later, and passes each
   * line to {@code sink} from a thread of the runner's own. {@code sink} may block to slow the
   * reading down; lines are not buffered without bound.
   *
   * @return a handle whose {@code close()} stops following
   */
  AutoCloseable followLogs(Consumer<LogLine> sink);

  /**
   * Returns each service's status now: the engine's state of its container ({@code running}, {@code
   * exited}, ...), {@code installing} while the container the release requests is missing, or
   * {@code failed} when the engine could not create or start it.
   */
  Map<String, String> status();

  /**
   * Returns the error for a service command that names {@code service}, which {@code release} does
   * not have; {@code release} is null before the first reconcile.
   */
  static IllegalArgumentException unknownService(String service, InstalledRelease release) {
    if (release == null) {
      return new IllegalArgumentException(
          "Service '" + service + "' is unknown: the device runs no release yet");
    }
    return new IllegalArgumentException(
        "Service '"
            + service
            + "' is not in release "
            + release.releaseId()
            + "; its services are "
            + new TreeSet<>(release.services().keySet()));
  }

  /**
   * Returns the update strategy of a service, from its labels.
   *
   * @throws IllegalArgumentException naming an unknown strategy label value
   */
  static UpdateStrategy strategyOf(InstalledService service) {
    return strategyOf(service.labels());
  }

  /**
   * Returns the update strategy that container labels name, the default when they name none.
   *
   * @throws IllegalArgumentException naming an unknown strategy label value
   */
  static UpdateStrategy strategyOf(Map<String, String> labels) {
    String label = labels.get("io.slipway.update.strategy");
    if (label == null) {
      label = labels.get("io.balena.update.strategy");
    }
    return UpdateStrategy.parse(label);
  }
}
