package io.slipway.registry.manifest;

import java.util.Set;

/** The manifest media types that the registry accepts. */
public final class MediaTypes {

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  /** Image manifests: a config and layers. */
  public static final Set<String> IMAGE_MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);

  /** Indexes: a list of manifests. */
  public static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

  private MediaTypes() {}

  /**
   * Returns true for layer types that may be fetched from their own URLs instead of the registry:
   * the OCI non-distributable layers and Docker's foreign layers.
   */
  public static boolean isNonDistributable(String mediaType) {
    return mediaType.startsWith("application/vnd.oci.image.layer.nondistributable.")
        || mediaType.equals("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
  }

  /** Returns true when {@code mediaType} is a manifest type that the registry stores. */
  public static boolean isManifest(String mediaType) {
    return IMAGE_MANIFESTS.contains(mediaType) || INDEXES.contains(mediaType);
  }
}
