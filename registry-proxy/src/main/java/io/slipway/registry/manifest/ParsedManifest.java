package io.slipway.registry.manifest;

import io.slipway.registry.reference.Digest;
import java.util.List;

/**
 * The parts of a pushed manifest that the registry checks and indexes.
 *
 * @param mediaType the manifest's media type
 * @param config the config descriptor of an image manifest, or null for an index
 * @param layers the layers of an image manifest; empty for an index
 * @param manifests the child manifests of an index; empty for an image manifest
 * @param subject the manifest this one refers to, or null
 * @param artifactType the artifact type for the referrers API, or null
 * @param annotationsJson the annotations object as JSON, or null
 */
public record ParsedManifest(
    String mediaType,
    Descriptor config,
    List<Descriptor> layers,
    List<Descriptor> manifests,
    Descriptor subject,
    String artifactType,
    String annotationsJson) {

  public ParsedManifest {
    layers = List.copyOf(layers);
    manifests = List.copyOf(manifests);
  }

  /** Returns true for an OCI index or a Docker manifest list. */
  public boolean isIndex() {
    return MediaTypes.INDEXES.contains(mediaType);
  }

  /** Returns the digests of everything this manifest names, for garbage collection. */
  public List<Digest> referencedDigests() {
    var all = new java.util.ArrayList<Digest>();
    if (config != null) {
      all.add(config.digest());
    }
    layers.stream().filter(layer -> !layer.external()).map(Descriptor::digest).forEach(all::add);
    manifests.stream().map(Descriptor::digest).forEach(all::add);
    return all;
  }
}
