package io.slipway.delta.encode;

import io.slipway.delta.image.Digest;

/**
 * What {@link DeltaMaker#make} wrote. Immutable.
 *
 * @param sourceManifest the base image's manifest digest
 * @param targetManifest the target image's manifest digest
 * @param payloadSize the payload's size in bytes
 * @param targetSize what a full pull would transfer to a device holding the base: the sizes of the
 *     target's manifest, config and every layer blob the base lacks
 * @param reusedLayers target layers the base already contains
 * @param encodedLayers target layers encoded against the base
 * @param diffIdOnlyLayers encoded layers whose compression could not be reproduced, which the
 *     applier keeps uncompressed
 */
public record DeltaSummary(
    Digest sourceManifest,
    Digest targetManifest,
    long payloadSize,
    long targetSize,
    int reusedLayers,
    int encodedLayers,
    int diffIdOnlyLayers) {}
