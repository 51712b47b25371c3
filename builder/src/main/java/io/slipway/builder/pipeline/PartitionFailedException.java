package io.slipway.builder.pipeline;

import io.slipway.builder.BuildException;
import io.slipway.builder.platform.Platform;
import java.util.List;

/**
 * One partition of a release failed. The message names the service and platform, the cause, and
 * quotes the last lines of the partition's log, so that it can be the release's failure reason as
 * it is.
 */
public class PartitionFailedException extends BuildException {

  private final String service;
  private final transient Platform platform;

  PartitionFailedException(String service, Platform platform, Throwable cause, List<String> tail) {
    super(format(service, platform, cause, tail), cause);
    this.service = service;
    this.platform = platform;
  }

  private static String format(
      String service, Platform platform, Throwable cause, List<String> tail) {
    StringBuilder message = new StringBuilder();
    message.append("Service ").append(service).append(" failed for ").append(platform);
    message.append(": ").append(cause.getMessage());
    if (!tail.isEmpty()) {
      message.append("\nLast ").append(tail.size()).append(" lines of its log:");
      tail.forEach(line -> message.append('\n').append(line));
    }
    return message.toString();
  }

  /** Returns the failed service's name. */
  public String service() {
    return service;
  }

  /** Returns the platform the service failed for. */
  public Platform platform() {
    return platform;
  }
}
