package io.slipway.cli.os;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.osimage.OsImageException;

/** Turns the failures of the OS image library into one-line command failures with exit codes. */
final class OsImageErrors {

  private OsImageErrors() {}

  /**
   * Returns the command failure for {@code failure}: an invalid configuration or input is a usage
   * error (2), a read or write failure is 1, and every problem with the image itself is {@link
   * ExitCode#IMAGE_REJECTED}.
   *
   * @param context what was being done, such as {@code "Configuring base.img"}, put before the
   *     library's message
   */
  static CommandFailedException commandFailure(String context, OsImageException failure) {
    int exitCode =
        switch (failure.failure()) {
          case INVALID_CONFIG, INVALID_INPUT -> ExitCode.USAGE;
          case IO -> ExitCode.FAILED;
          case NOT_A_DISK_IMAGE,
              NO_BOOT_PARTITION,
              UNSUPPORTED_FILESYSTEM,
              BOOT_PARTITION_FULL,
              CORRUPT_ARCHIVE,
              AMBIGUOUS_ARCHIVE,
              UNSAFE_ARCHIVE_ENTRY ->
              ExitCode.IMAGE_REJECTED;
        };
    return new CommandFailedException(
        context + " failed (" + failure.failure() + "): " + failure.getMessage(), exitCode);
  }
}
