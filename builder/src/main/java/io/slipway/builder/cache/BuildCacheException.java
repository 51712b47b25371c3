package io.slipway.builder.cache;

import io.slipway.builder.BuildException;

/** The build cache could not be read or written. The message names the cache key. */
public class BuildCacheException extends BuildException {

  public BuildCacheException(String message, Throwable cause) {
    super(message, cause);
  }
}
