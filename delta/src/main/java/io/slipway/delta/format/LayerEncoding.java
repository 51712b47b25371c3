package io.slipway.delta.format;

import io.slipway.delta.image.Compression;
import io.slipway.delta.recompress.GzipRecipe;
import io.slipway.delta.recompress.ZstdRecipe;
import java.util.Objects;

/**
 * How the applier turns a rebuilt uncompressed tar into the target layer blob. When the original
 * compression cannot be reproduced exactly, the applier keeps the uncompressed tar and verifies it
 * by the diff_id that the signed config lists ({@link DiffIdOnly}).
 */
public sealed interface LayerEncoding
    permits LayerEncoding.Plain, LayerEncoding.Gzip, LayerEncoding.Zstd, LayerEncoding.DiffIdOnly {

  /** The target blob is the uncompressed tar itself; its digest equals its diff_id. */
  record Plain() implements LayerEncoding {}

  /** The target blob is the tar compressed with {@code recipe}; verified by the blob digest. */
  record Gzip(GzipRecipe recipe) implements LayerEncoding {
    public Gzip {
      Objects.requireNonNull(recipe, "recipe");
    }
  }

  /** The target blob is the tar compressed with {@code recipe}; verified by the blob digest. */
  record Zstd(ZstdRecipe recipe) implements LayerEncoding {
    public Zstd {
      Objects.requireNonNull(recipe, "recipe");
    }
  }

  /**
   * The original {@code compression} could not be reproduced; the applier yields the uncompressed
   * tar, verified by its diff_id only.
   */
  record DiffIdOnly(Compression compression) implements LayerEncoding {
    public DiffIdOnly {
      Objects.requireNonNull(compression, "compression");
    }
  }
}
