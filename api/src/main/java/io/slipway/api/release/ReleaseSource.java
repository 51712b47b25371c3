package io.slipway.api.release;

/** The origin of a release. */
public enum ReleaseSource {
  /** Built by Slipway's builder from a pushed commit. */
  BUILD,
  /** Deployed from images that were built elsewhere and pushed to the registry. */
  PREBUILT,
  /** Created through the HTTP API by a person or a tool. */
  API
}
