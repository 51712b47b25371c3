package io.slipway.api.git;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the git repositories served at {@code /git}, under {@code slipway.git.*}.
 *
 * @param maxObjectSize the largest object a pushed pack may hold, checked before the object is
 *     inflated; a delta counts with the size of its result. 50 MB by default
 * @param maxConcurrentUnpacks how many pushes may receive and check their packs at once,
 *     server-wide; a further push waits for a turn. 2 by default
 * @param maxFollowingPushes how many pushes may follow their builds at once; a further push to a
 *     deploy branch starts its build and returns at once, naming the release. 0 means no push
 *     follows its build. 32 by default
 * @throws IllegalArgumentException naming the property when a value is out of range
 */
@ConfigurationProperties("slipway.git")
public record GitProperties(
    @DefaultValue("50MB") DataSize maxObjectSize,
    @DefaultValue("2") int maxConcurrentUnpacks,
    @DefaultValue("32") int maxFollowingPushes) {

  public GitProperties {
    if (maxObjectSize == null || maxObjectSize.toBytes() <= 0) {
      throw new IllegalArgumentException(
          "slipway.git.max-object-size is "
              + maxObjectSize
              + ": give a positive size such as 50MB");
    }
    if (maxConcurrentUnpacks < 1) {
      throw new IllegalArgumentException(
          "slipway.git.max-concurrent-unpacks is " + maxConcurrentUnpacks + ": give at least 1");
    }
    if (maxFollowingPushes < 0) {
      throw new IllegalArgumentException(
          "slipway.git.max-following-pushes is " + maxFollowingPushes + ": give 0 or more");
    }
  }
}
