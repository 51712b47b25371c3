package io.slipway.api.deploy;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.builder.registry.RegistryException;

/** The errors that several deploy steps report, worded in one place. */
final class DeployFailures {

  private DeployFailures() {}

  /**
   * Returns the error for a stored blob whose content no longer matches its digest. A push cannot
   * repair it, because the registry keeps the content it already stores for a digest. The message
   * names the storage object an administrator deletes before the image is pushed again.
   */
  static ApiException damagedBlob(SourceImage image, String digest, String fault) {
    String hex = digest.substring(digest.indexOf(':') + 1);
    String key = "blobs/sha256/" + hex.substring(0, 2) + "/" + hex;
    return new ApiException(
        ErrorCode.IMAGE_CORRUPT,
        damaged(image, fault)
            + ". The server's stored copy of blob "
            + digest
            + " no longer matches its digest, and pushing the same image cannot replace it because"
            + " the registry keeps the content it already stores for a digest. An administrator"
            + " must delete the storage object "
            + key
            + " (a file below the filesystem storage root, by default DATA_DIR/blobs, or a key"
            + " below the configured S3 prefix), then push the image again and deploy once more");
  }

  /**
   * Returns the error for an image whose manifests are unusable or whose blobs are missing, which a
   * push of a correct image repairs.
   */
  static ApiException corrupt(SourceImage image, String fault) {
    return new ApiException(
        ErrorCode.IMAGE_CORRUPT,
        damaged(image, fault)
            + ". Push the image again (docker push or skopeo copy) and deploy once more");
  }

  private static String damaged(SourceImage image, String fault) {
    return "Image "
        + image.describe()
        + " of service '"
        + image.service()
        + "' is damaged: "
        + fault;
  }

  /** A registry response that no check expects, such as an unreachable mirror upstream. */
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
