package io.slipway.systemtest.image;

/** The OCI image media types the tests write and expect back. */
public final class OciMediaTypes {

  public static final String IMAGE_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** Docker's manifest types, which docker push and Jib may use. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** An {@code Accept} header value that admits every manifest type above. */
  public static final String ANY_MANIFEST =
      String.join(",", IMAGE_INDEX, IMAGE_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);

  private OciMediaTypes() {}
}
