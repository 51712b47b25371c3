package io.slipway.api.delta;

import io.slipway.delta.image.Digest;
import java.util.Objects;

/**
 * One row of the {@code delta} table: the state of the delta between one pair of platform
 * manifests. Immutable.
 *
 * @param source the base image's platform manifest digest
 * @param target the target image's platform manifest digest
 * @param state how far making it has got
 * @param reason why there is no delta, for {@code FULL} and {@code FAILED}; null otherwise
 * @param sourceRepository the {@code ORG/FLEET/SERVICE} repository the base image is read from
 * @param targetRepository the {@code ORG/FLEET/SERVICE} repository the target image is read from
 * @param fleetId the fleet whose builder secret reads them
 * @param claimedBy the server that claimed making it last
 * @param claimedAt when it was claimed, milliseconds since the epoch
 * @param payloadDigest the payload's digest once {@code READY}, else null
 * @param payloadSize the payload's size in bytes once {@code READY}, else 0
 * @param targetSize what a full pull would transfer instead, in bytes, once known, else 0
 * @param bundle the Sigstore bundle JSON of the signed delta manifest once {@code READY}, else null
 * @param finishedAt when it became {@code READY}, {@code FULL} or {@code FAILED}, or null
 * @param lastUsedAt when a device last asked for it, milliseconds since the epoch
 */
public record StoredDelta(
    Digest source,
    Digest target,
    State state,
    String reason,
    String sourceRepository,
    String targetRepository,
    long fleetId,
    String claimedBy,
    long claimedAt,
    Digest payloadDigest,
    long payloadSize,
    long targetSize,
    String bundle,
    Long finishedAt,
    long lastUsedAt) {

  /** The progress of making a delta. */
  public enum State {
    /** A server is making it. */
    GENERATING,
    /** The payload is stored and its manifest signed. */
    READY,
    /** A delta does not pay off for this pair: devices pull the target in full. */
    FULL,
    /** Making it failed; devices pull in full until it is tried again. */
    FAILED
  }

  public StoredDelta {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(sourceRepository, "sourceRepository");
    Objects.requireNonNull(targetRepository, "targetRepository");
    if (state == State.READY && (payloadDigest == null || bundle == null)) {
      throw new IllegalArgumentException(
          "The delta from " + source + " to " + target + " is READY without a payload or bundle");
    }
  }

  /** Returns the pair this row is about. */
  public DeltaPair pair() {
    return new DeltaPair(source, target);
  }
}
