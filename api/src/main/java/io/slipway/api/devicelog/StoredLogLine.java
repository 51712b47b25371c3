package io.slipway.api.devicelog;

/**
 * A log line as stored and shown to users. Immutable.
 *
 * @param id row id; later lines of a device have larger ids
 * @param timestamp when the device wrote the line, milliseconds since the epoch by its own clock
 * @param receivedAt when the server stored it, milliseconds since the epoch
 * @param service the service that wrote it, or null for the device itself
 * @param message the text of the line
 * @param isStderr true when the service wrote it to standard error
 * @param isSystem true when the device's supervisor wrote it rather than a service
 */
public record StoredLogLine(
    long id,
    long timestamp,
    long receivedAt,
    String service,
    String message,
    boolean isStderr,
    boolean isSystem) {}
