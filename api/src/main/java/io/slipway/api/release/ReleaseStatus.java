package io.slipway.api.release;

/** The status of a release. A release starts {@link #RUNNING}; the other two are final. */
public enum ReleaseStatus {
  /** Being built or assembled: services and build log lines may still be added. */
  RUNNING,
  /** Finished and deployable; immutable. */
  SUCCESS,
  /** Finished without a deployable result; immutable. */
  FAILED;

  /** Returns true for a status after which the release never changes. */
  public boolean isFinal() {
    return this != RUNNING;
  }
}
