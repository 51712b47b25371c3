package io.slipway.api.deploy;

import io.slipway.builder.BuildLog;
import io.slipway.builder.pipeline.BuiltService;
import io.slipway.builder.pipeline.ReleaseHook;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A release hook that records every service it is called with, as {@code repository@indexDigest},
 * and fails for a release with a service named {@value #FAILING_SERVICE}. Given to the test server
 * as an extra source ({@code --spring.main.sources}).
 */
class RecordingHook implements ReleaseHook {

  /** A service name that makes the hook throw. */
  static final String FAILING_SERVICE = "hook-rejects";

  /** Every service the hook was called with. */
  static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  @Override
  public void afterPush(long releaseId, List<BuiltService> services, BuildLog log) {
    for (BuiltService service : services) {
      SEEN.add(service.repository() + "@" + service.indexDigest());
      if (service.name().equals(FAILING_SERVICE)) {
        throw new IllegalStateException("service " + FAILING_SERVICE + " is not allowed");
      }
    }
    log.line("Recording hook saw " + services.size() + " services");
  }
}
