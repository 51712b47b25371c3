package io.slipway.delta.apply;

import io.slipway.delta.image.Digest;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One blob of the target image after applying, verified. Immutable.
 *
 * @param kind what the blob is and how it was verified
 * @param digest the digest the target manifest lists for it (for a layer, its blob digest)
 * @param diffId for layers, the diff_id the config lists; null for the manifest and config
 * @param file where the verified content lies in the staging directory; null for a reused layer,
 *     which stays in the base
 */
public record AppliedBlob(Kind kind, Digest digest, Digest diffId, Path file) {

  /** The kind of a blob and the way it was verified. */
  public enum Kind {
    /** The target manifest, verified by its digest. */
    MANIFEST,
    /** The target config, verified by its digest. */
    CONFIG,
    /**
     * A layer the base holds, as its blob or, when an earlier delta kept it uncompressed, as its
     * uncompressed tar stored by diff_id; nothing was written.
     */
    LAYER_REUSED,
    /** A layer rebuilt byte for byte, verified by its blob digest and its diff_id. */
    LAYER_EXACT,
    /**
     * A layer whose compression could not be reproduced: {@code file} contains the uncompressed
     * tar, verified by its diff_id.
     */
    LAYER_UNCOMPRESSED
  }

  public AppliedBlob {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(digest, "digest");
  }
}
