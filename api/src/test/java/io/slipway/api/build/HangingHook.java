package io.slipway.api.build;

import io.slipway.builder.BuildLog;
import io.slipway.builder.pipeline.BuiltService;
import io.slipway.builder.pipeline.ReleaseHook;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A release hook that never returns, so that a test can stop the server while a build is in its
 * hooks step, as a process that dies would leave it. Given to one test server as an extra source
 * ({@code --spring.main.sources}); its thread stays blocked until the test JVM ends.
 */
class HangingHook implements ReleaseHook {

  /** Counted down when a build reaches the hook. */
  static final CountDownLatch REACHED = new CountDownLatch(1);

  private static final CountDownLatch NEVER = new CountDownLatch(1);

  @Override
  public void afterPush(long releaseId, List<BuiltService> services, BuildLog log) {
    REACHED.countDown();
    try {
      NEVER.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
