package io.slipway.registry.manifest;

import io.slipway.registry.reference.Digest;

/** A manifest as served: its bytes, media type and digest. */
public record StoredManifest(Digest digest, String mediaType, byte[] content) {}
