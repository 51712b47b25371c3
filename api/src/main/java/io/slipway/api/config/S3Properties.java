package io.slipway.api.config;

import java.net.URI;

/**
 * S3-compatible storage settings under {@code slipway.storage.s3.*}; checked when the store is
 * created, and only when {@code slipway.storage.type} is {@code s3}.
 *
 * @param endpoint base URL of the S3 API, such as {@code https://s3.eu-central-1.amazonaws.com}
 * @param region the bucket's region; {@code us-east-1} suits MinIO
 * @param bucket the bucket name
 * @param accessKey the access key id
 * @param secretKey the secret access key; {@link #toString()} masks it
 * @param prefix key prefix inside the bucket, or null for none
 */
public record S3Properties(
    URI endpoint, String region, String bucket, String accessKey, String secretKey, String prefix) {

  @Override
  public String toString() {
    return "S3Properties[endpoint="
        + endpoint
        + ", region="
        + region
        + ", bucket="
        + bucket
        + ", accessKey="
        + accessKey
        + ", secretKey=****, prefix="
        + prefix
        + "]";
  }
}
