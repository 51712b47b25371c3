package io.slipway.builder.plan;

import io.slipway.builder.platform.Platform;

/**
 * Says whether the build host can execute programs for a platform, natively or through a registered
 * emulator, so that a {@code RUN} on a foreign architecture fails in preflight rather than halfway
 * through a build. Implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface EmulatorCheck {

  /** Returns true when a {@code RUN} for {@code platform} can execute on this host. */
  boolean canRun(Platform platform);

  /** Returns the check that reads this machine's {@code /proc/sys/fs/binfmt_misc}. */
  static EmulatorCheck binfmt() {
    return new BinfmtEmulatorCheck();
  }
}
