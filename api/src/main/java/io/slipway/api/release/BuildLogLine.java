package io.slipway.api.release;

/**
 * One line of a release's build log.
 *
 * @param id position in the log; later lines have larger ids, and pages continue after one
 * @param at when the line arrived, milliseconds since the epoch
 * @param service the service the line is about, or null for a release-level line
 * @param platform the platform the line is about, such as {@code linux/arm64}, or null
 * @param line the text, without a line terminator
 */
public record BuildLogLine(long id, long at, String service, String platform, String line) {}
