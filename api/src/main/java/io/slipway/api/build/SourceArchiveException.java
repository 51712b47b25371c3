package io.slipway.api.build;

import java.io.IOException;

/**
 * A build source that cannot be extracted: not a tar archive, cut short, or holding an entry that
 * would reach outside the source tree. The message names the entry and what to change.
 */
class SourceArchiveException extends IOException {

  private final boolean unsafe;

  /** An archive that is malformed. */
  SourceArchiveException(String message) {
    this(message, false);
  }

  /**
   * @param unsafe true when the archive is well formed but an entry would escape the tree or is a
   *     kind of file a build source may not hold
   */
  SourceArchiveException(String message, boolean unsafe) {
    super(message);
    this.unsafe = unsafe;
  }

  /** Returns true for an entry rejected for safety rather than a malformed archive. */
  boolean unsafe() {
    return unsafe;
  }
}
