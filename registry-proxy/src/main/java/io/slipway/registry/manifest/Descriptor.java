package io.slipway.registry.manifest;

import io.slipway.registry.reference.Digest;

/**
 * A reference from a manifest to content: its media type, digest and size in bytes, plus whether
 * the content lives elsewhere ({@code urls} given, as for non-distributable layers).
 */
public record Descriptor(String mediaType, Digest digest, long size, boolean external) {}
