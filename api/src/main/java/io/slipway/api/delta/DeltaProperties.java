package io.slipway.api.delta;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Delta settings under {@code slipway.delta.*}.
 *
 * @param enabled whether devices get deltas at all; when false every request for a delta returns
 *     "full" and no release makes deltas (true by default)
 * @param sourceReleases after a release, deltas are made from the images of at most this many of
 *     the fleet's newest releases that devices report running (3 by default)
 * @param cacheMaxBytes the total size of stored delta payloads; the least recently used are deleted
 *     beyond it (10 GiB by default)
 * @param cacheMaxAge a delta that no device asked for during this long is deleted (30 days by
 *     default)
 * @param threads how many deltas this server makes at once (1 by default)
 * @param retryAfter what a device that asked for a delta being made is told to wait before asking
 *     again, in whole seconds (5 seconds by default)
 * @param generationTimeout a delta claimed this long ago and still not made counts as abandoned by
 *     a server that stopped, and the next request makes it again (30 minutes by default)
 * @param failureRetry a delta whose making failed is tried again after this long (10 minutes by
 *     default)
 */
@ConfigurationProperties("slipway.delta")
public record DeltaProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("3") int sourceReleases,
    @DefaultValue("10GB") DataSize cacheMaxBytes,
    @DefaultValue("30d") Duration cacheMaxAge,
    @DefaultValue("1") int threads,
    @DefaultValue("5s") Duration retryAfter,
    @DefaultValue("30m") Duration generationTimeout,
    @DefaultValue("10m") Duration failureRetry) {

  /**
   * @throws IllegalArgumentException naming the property and its value when a count is below 1, a
   *     size is negative, or a duration is not positive
   */
  public DeltaProperties {
    requireAtLeastOne("source-releases", sourceReleases);
    requireAtLeastOne("threads", threads);
    if (cacheMaxBytes.isNegative()) {
      throw new IllegalArgumentException(
          "slipway.delta.cache-max-bytes is " + cacheMaxBytes + ": set it to 0 or more");
    }
    requirePositive("cache-max-age", cacheMaxAge);
    requirePositive("generation-timeout", generationTimeout);
    requirePositive("failure-retry", failureRetry);
    if (retryAfter.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "slipway.delta.retry-after is " + retryAfter + ": set it to 1s or more");
    }
  }

  private static void requireAtLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(
          "slipway.delta." + name + " is " + value + ": set it to 1 or more");
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "slipway.delta." + name + " is " + value + ": set it to a positive duration");
    }
  }
}
