package io.slipway.api.config;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Blob storage settings under {@code slipway.storage.*}.
 *
 * @param type {@code filesystem} (the default) or {@code s3}
 * @param filesystem settings used when {@code type} is {@code filesystem}
 * @param s3 settings used when {@code type} is {@code s3}
 */
public record StorageProperties(
    @DefaultValue("filesystem") StorageType type,
    @DefaultValue Filesystem filesystem,
    @DefaultValue S3Properties s3) {

  /** The kinds of blob store the server can use. */
  public enum StorageType {
    FILESYSTEM,
    S3
  }

  /**
   * Filesystem storage settings under {@code slipway.storage.filesystem.*}.
   *
   * @param root directory that contains the blobs; null for {@code DATA_DIR/blobs}
   */
  public record Filesystem(String root) {}
}
