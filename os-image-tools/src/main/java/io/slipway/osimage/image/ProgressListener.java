package io.slipway.osimage.image;

/**
 * Told how far writing an image has come. Called from the writing thread; implementations must
 * return quickly.
 */
@FunctionalInterface
public interface ProgressListener {

  /** A listener that ignores progress. */
  ProgressListener NONE = (done, total) -> {};

  /**
   * Reports progress.
   *
   * @param rawBytesDone bytes of the raw image processed so far
   * @param rawBytesTotal the raw image's size in bytes, or -1 while it is unknown
   */
  void progress(long rawBytesDone, long rawBytesTotal);
}
