package io.slipway.api.deploy;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.builder.registry.RegistryException;

/** The errors that several deploy steps report, worded in one place. */
final class DeployFailures {

  private DeployFailures() {}

  /** An image whose stored content does not match what its manifests state. */
  static ApiException corrupt(SourceImage image, String fault) {
    return new ApiException(
        ErrorCode.IMAGE_CORRUPT,
        "Image "
            + image.describe()
            + " of service '"
            + image.service()
            + "' is damaged: "
            + fault
            + ". Push the image again (docker push or skopeo copy) and deploy once more");
  }

  /** A registry answer that no check expects, such as an unreachable mirror upstream. */
  static ApiException registry(SourceImage image, RegistryException e) {
    if (e.status() == 401 || e.status() == 403) {
      return new ApiException(
          ErrorCode.FORBIDDEN,
          "The registry refused to let the deploy read "
              + image.describe()
              + " of service '"
              + image.service()
              + "': "
              + e.getMessage());
    }
    return new ApiException(
        ErrorCode.INTERNAL_ERROR,
        "The registry could not serve image "
            + image.describe()
            + " of service '"
            + image.service()
            + "' ("
            + e.getMessage()
            + "); when it is a mirror, check that its upstream is reachable, then try again");
  }
}
