package io.slipway.api.targetstate;

import java.util.Objects;

/**
 * A device's target state rendered as JSON, with the versions it was rendered for. Immutable; the
 * byte array is never changed after construction and must not be changed by callers.
 *
 * @param versions the versions read before rendering; the state is at least this new
 * @param releaseId the release the state names, or null for an empty state
 * @param json the response body, UTF-8 JSON
 */
public record RenderedState(StateVersions versions, Long releaseId, byte[] json) {

  public RenderedState {
    Objects.requireNonNull(versions, "versions");
    Objects.requireNonNull(json, "json");
  }

  /** Returns the ETag of the state; see {@link StateVersions#etag()}. */
  public String etag() {
    return versions.etag();
  }
}
