package io.slipway.builder;

/**
 * Receives the build log of one partition (one service on one platform) line by line. The caller
 * binds the service and platform; engines write only the text.
 *
 * <p>Implementations must be safe for concurrent use, since engines may report from several
 * threads.
 */
@FunctionalInterface
public interface BuildLog {

  /** A log that drops every line. */
  BuildLog DISCARD = line -> {};

  /** Appends one line, without its line break. */
  void line(String text);
}
