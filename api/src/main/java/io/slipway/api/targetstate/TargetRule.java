package io.slipway.api.targetstate;

import io.slipway.api.release.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Decides which release a device should run. The rules, in order:
 *
 * <ol>
 *   <li>the release pinned for the device;
 *   <li>the release a running rollout moved it to;
 *   <li>the fleet's pinned release, when the fleet does not track its latest release;
 *   <li>the fleet's latest successful release that is not invalidated.
 * </ol>
 *
 * <p>A candidate that is not a deployable release of the device's own fleet (failed, running,
 * invalidated, gone or of another fleet) is skipped and the next rule applies. Stateless.
 */
public final class TargetRule {

  private TargetRule() {}

  /**
   * Returns the release {@code inputs} resolve to, or empty when the device has no target.
   *
   * @param releases looks up a release by id
   * @param latestDeployable returns the fleet's latest successful release that is not invalidated
   */
  public static Optional<Release> resolve(
      TargetInputs inputs,
      LongFunction<Optional<Release>> releases,
      Supplier<Optional<Release>> latestDeployable) {
    for (Long candidate : candidates(inputs)) {
      Optional<Release> release =
          releases
              .apply(candidate)
              .filter(found -> found.fleetId() == inputs.fleetId())
              .filter(Release::isDeployable);
      if (release.isPresent()) {
        return release;
      }
    }
    return latestDeployable.get();
  }

  private static List<Long> candidates(TargetInputs inputs) {
    List<Long> candidates = new ArrayList<>(3);
    if (inputs.pinnedReleaseId() != null) {
      candidates.add(inputs.pinnedReleaseId());
    }
    if (inputs.rolloutReleaseId() != null) {
      candidates.add(inputs.rolloutReleaseId());
    }
    if (!inputs.trackLatest() && inputs.fleetTargetReleaseId() != null) {
      candidates.add(inputs.fleetTargetReleaseId());
    }
    return candidates;
  }
}
