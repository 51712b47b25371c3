package io.slipway.api.release;

import io.slipway.builder.pipeline.BuiltService;
import io.slipway.builder.pipeline.ReleaseHook;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link ReleaseHook} beans, such as release signing, for a release that the server
 * finishes outside the build pipeline: prebuilt deploys and releases finished through the release
 * API. Hooks run in their {@code @Order}, one after another on the calling thread, and write their
 * lines to the release's build log. Safe for concurrent use.
 */
@Component
public class ReleaseHooks {

  private final ReleaseService releases;
  private final ObjectProvider<ReleaseHook> hooks;

  public ReleaseHooks(ReleaseService releases, ObjectProvider<ReleaseHook> hooks) {
    this.releases = releases;
    this.hooks = hooks;
  }

  /**
   * Runs every hook for the running release {@code releaseId} with {@code services}. The caller
   * must hold no database transaction, because hooks write to the registry.
   *
   * @throws IllegalStateException naming the hook that failed, with its exception as the cause; the
   *     hooks after it do not run
   */
  public void run(long releaseId, List<BuiltService> services) {
    for (ReleaseHook hook : hooks.orderedStream().toList()) {
      try {
        hook.afterPush(releaseId, services, line -> releases.appendLog(releaseId, List.of(line)));
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "Release hook " + hook.getClass().getName() + " failed: " + e.getMessage(), e);
      }
    }
  }
}
