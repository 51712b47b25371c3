package io.slipway.agent.store;

import io.slipway.delta.image.Digest;
import java.util.Map;

/**
 * One service of an installed release: which image it runs and how. Immutable.
 *
 * @param name the service name
 * @param image the image reference as the target state named it, {@code
 *     HOST/ORG/FLEET/SERVICE@sha256:...}
 * @param index the digest of the image index (the one the signed release document names)
 * @param manifest the digest of the platform manifest for this device, held in the store's OCI
 *     layout under {@link #refName()}
 * @param refName the image's {@code org.opencontainers.image.ref.name} in the store's layout
 * @param environment environment variables of its container
 * @param labels labels of its container
 * @param configuration the rest of its compose entry, as parsed JSON
 */
public record InstalledService(
    String name,
    String image,
    Digest index,
    Digest manifest,
    String refName,
    Map<String, String> environment,
    Map<String, String> labels,
    Map<String, Object> configuration) {}
