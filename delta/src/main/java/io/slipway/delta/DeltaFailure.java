package io.slipway.delta;

/** Why a delta could not be made, verified or applied. Stable names, safe to show to users. */
public enum DeltaFailure {
  /** The payload does not start with the delta magic or names a format version this code lacks. */
  UNSUPPORTED_FORMAT,
  /** The payload's bytes do not parse as the format: an unknown record, a bad length, bad zstd. */
  CORRUPT_PAYLOAD,
  /** The payload ended before its end record. */
  TRUNCATED_PAYLOAD,
  /** The base image is not the one the delta was made from, or lacks a blob the delta reuses. */
  WRONG_SOURCE,
  /** A rebuilt blob, layer or manifest hashes to another digest than the one it must have. */
  DIGEST_MISMATCH,
  /** The delta manifest's signature does not verify, or it describes another pair or payload. */
  BAD_SIGNATURE,
  /** An input image is malformed: unparsable manifest or config, a layer without a diff_id. */
  INVALID_IMAGE,
  /** Reading or writing local files failed. */
  IO
}
