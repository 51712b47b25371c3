package io.slipway.api.osimage;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.osimage.OsImageException;

/**
 * Maps the failures of {@code os-image-tools} to API errors. The tool's message, which names the
 * value at fault, is kept and prefixed with the image it is about.
 */
final class OsImageErrors {

  private OsImageErrors() {}

  /**
   * Returns the error for an upload that failed the image check: the uploader sent a file that is
   * not a usable base image, so each failure is the client's, with its own code.
   */
  static ApiException ofUpload(String image, OsImageException e) {
    ErrorCode code =
        switch (e.failure()) {
          case NOT_A_DISK_IMAGE -> ErrorCode.OS_IMAGE_NOT_A_DISK_IMAGE;
          case NO_BOOT_PARTITION -> ErrorCode.OS_IMAGE_NO_BOOT_PARTITION;
          case UNSUPPORTED_FILESYSTEM -> ErrorCode.OS_IMAGE_UNSUPPORTED_FILESYSTEM;
          case BOOT_PARTITION_FULL -> ErrorCode.OS_IMAGE_BOOT_PARTITION_FULL;
          case CORRUPT_ARCHIVE -> ErrorCode.OS_IMAGE_CORRUPT_ARCHIVE;
          case AMBIGUOUS_ARCHIVE -> ErrorCode.OS_IMAGE_AMBIGUOUS_ARCHIVE;
          case UNSAFE_ARCHIVE_ENTRY -> ErrorCode.OS_IMAGE_UNSAFE_ARCHIVE_ENTRY;
          case INVALID_CONFIG, INVALID_INPUT -> ErrorCode.OS_IMAGE_NOT_A_DISK_IMAGE;
          case IO -> ErrorCode.OS_IMAGE_UNUSABLE;
        };
    // The library names the image as a prefix, which this message already starts with.
    String message = e.getMessage();
    String prefix = "Image " + image + ": ";
    if (message.startsWith(prefix)) {
      message = message.substring(prefix.length());
    }
    return new ApiException(code, "Upload of OS image " + image + " rejected: " + message);
  }

  /**
   * Returns the error for configuring a stored image for a download. Only the files come from the
   * request. Any other failure concerns a stored image that passed the upload check, so it is
   * reported as unusable, for an administrator to upload again.
   */
  static ApiException ofConfigure(String image, OsImageException e) {
    return switch (e.failure()) {
      case INVALID_CONFIG ->
          new ApiException(
              ErrorCode.INVALID_OS_CONFIG,
              "Configuring OS image " + image + " failed: " + e.getMessage());
      case BOOT_PARTITION_FULL ->
          new ApiException(
              ErrorCode.OS_IMAGE_BOOT_PARTITION_FULL,
              "Configuring OS image "
                  + image
                  + " failed: "
                  + e.getMessage()
                  + "; ask for fewer SSH keys or network settings");
      default ->
          new ApiException(
              ErrorCode.OS_IMAGE_UNUSABLE,
              "Stored OS image "
                  + image
                  + " cannot be configured ("
                  + e.failure()
                  + "): "
                  + e.getMessage()
                  + "; ask a server administrator to upload it again");
    };
  }
}
