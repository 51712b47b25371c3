package io.slipway.api.release;

/**
 * One line of a release's build log.
 *
 * @param id position in the log; later lines have larger ids, and pages continue after one
 * @param at when the line arrived, milliseconds since the epoch
 * @param line the text, without a line terminator
 */
public record BuildLogLine(long id, long at, String line) {}
