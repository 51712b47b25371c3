package io.slipway.agent;

/**
 * Named points in the agent's work where a test can freeze the process to kill it there with
 * SIGKILL. Off unless the system property {@code slipway.agent.pause-at} names a point: then the
 * first thread that reaches it prints {@code slipway-agent paused at NAME} on standard error and
 * sleeps until the process dies.
 *
 * <p>Points: {@link #DOWNLOAD} after the first bytes of a delta payload or blob reached disk;
 * {@link #APPLY} after the first layer of a delta was written into the store's staging area; {@link
 * #SWITCH_BEFORE_COMMIT} once the new release's images are verified and loaded into the engine,
 * before the current-release pointer moves; {@link #SWITCH_AFTER_COMMIT} right after it moved,
 * before any container of the old release is removed.
 */
public final class PausePoints {

  public static final String DOWNLOAD = "download";
  public static final String APPLY = "apply";
  public static final String SWITCH_BEFORE_COMMIT = "switch-before-commit";
  public static final String SWITCH_AFTER_COMMIT = "switch-after-commit";

  /** The system property that names the point to pause at. */
  public static final String PROPERTY = "slipway.agent.pause-at";

  private PausePoints() {}

  /** Pauses forever when {@code name} is the configured point; returns at once otherwise. */
  public static void reach(String name) {
    if (!name.equals(System.getProperty(PROPERTY))) {
      return;
    }
    System.err.println("slipway-agent paused at " + name);
    System.err.flush();
    while (true) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        // NOTE: a paused agent ignores interrupts on purpose: only SIGKILL should end it here.
      }
    }
  }
}
