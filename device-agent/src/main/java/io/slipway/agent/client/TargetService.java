package io.slipway.agent.client;

import java.util.Map;

/**
 * One service of a target state. Immutable.
 *
 * @param name the service name
 * @param image the image by digest, {@code HOST/ORG/FLEET/SERVICE@sha256:...} (an image index)
 * @param environment environment variables: fleet, device and service variables merged by the
 *     server
 * @param labels container labels
 * @param configuration the rest of the service's compose entry (ports, volumes, {@code
 *     network_mode}, {@code restart}, {@code privileged}, ...), as parsed JSON (maps, lists,
 *     strings, numbers, booleans)
 */
public record TargetService(
    String name,
    String image,
    Map<String, String> environment,
    Map<String, String> labels,
    Map<String, Object> configuration) {}
