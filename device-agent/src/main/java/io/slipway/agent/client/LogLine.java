package io.slipway.agent.client;

import java.time.Instant;

/**
 * One line of a container's output, as forwarded to the server. Immutable.
 *
 * @param timestamp when the container wrote it
 * @param service the service name, or null for the agent's own lines
 * @param message the line without its line break
 * @param stderr true when it came from standard error
 */
public record LogLine(Instant timestamp, String service, String message, boolean stderr) {}
