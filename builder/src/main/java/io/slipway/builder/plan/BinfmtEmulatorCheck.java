package io.slipway.builder.plan;

import io.slipway.builder.platform.Platform;

/** Reads binfmt_misc. Work in progress. */
final class BinfmtEmulatorCheck implements EmulatorCheck {

  @Override
  public boolean canRun(Platform platform) {
    return true;
  }
}
