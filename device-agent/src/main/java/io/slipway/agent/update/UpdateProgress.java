package io.slipway.agent.update;

/**
 * Receives the progress of an update, per service. Called from the updating thread; implementations
 * must be quick and thread-safe (the reporter reads from another thread).
 */
public interface UpdateProgress {

  /** Ignores all progress. */
  UpdateProgress NONE = (service, method, downloaded, size) -> {};

  /**
   * @param service the service name
   * @param method {@code delta} or {@code full}
   * @param downloadedBytes bytes received so far for this service
   * @param downloadSize bytes to receive for it, or -1 while unknown
   */
  void progress(String service, String method, long downloadedBytes, long downloadSize);
}
