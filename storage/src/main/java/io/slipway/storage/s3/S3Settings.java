package io.slipway.storage.s3;

import io.slipway.storage.StorageKey;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * Connection settings of an {@link S3BlobStore}.
 *
 * @param endpoint base URL of the S3 API, {@code http} or {@code https}, with no path, such as
 *     {@code https://s3.eu-central-1.amazonaws.com} or {@code http://127.0.0.1:9000} for MinIO
 * @param region the bucket's region, such as {@code eu-central-1}; MinIO and most other servers
 *     accept {@code us-east-1}
 * @param bucket the bucket name, created at startup when missing
 * @param accessKey the access key id
 * @param secretKey the secret access key; {@link #toString()} masks it
 * @param prefix a key prefix inside the bucket, such as {@code slipway}, so that several
 *     installations can share one bucket; empty for none. A trailing {@code /} is optional.
 */
public record S3Settings(
    URI endpoint, String region, String bucket, String accessKey, String secretKey, String prefix) {

  /** S3 bucket naming rules: 3 to 63 lower-case letters, digits, dots and hyphens. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /**
   * Validates the settings and normalizes {@code prefix}: {@code null} becomes empty and a trailing
   * {@code /} is dropped.
   *
   * @throws IllegalArgumentException naming the setting and value at fault
   */
  public S3Settings {
    requireEndpoint(endpoint);
    requireText("region", region);
    requireText("accessKey", accessKey);
    requireText("secretKey", secretKey);
    if (bucket == null || !BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException(
          "Invalid S3 bucket name '"
              + bucket
              + "': use 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a"
              + " letter or digit");
    }
    prefix = normalizePrefix(prefix);
  }

  /**
   * Returns the object name prefix that puts a key under {@link #prefix()}: empty or ending in '/'.
   */
  String objectNamePrefix() {
    return prefix.isEmpty() ? "" : prefix + "/";
  }

  @Override
  public String toString() {
    return "S3Settings[endpoint="
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

  private static void requireEndpoint(URI endpoint) {
    if (endpoint == null) {
      throw new IllegalArgumentException("S3 endpoint is missing: give a URL such as https://host");
    }
    String scheme = endpoint.getScheme();
    boolean httpScheme = "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
    String path = endpoint.getPath();
    boolean noPath = path == null || path.isEmpty() || path.equals("/");
    if (!httpScheme || endpoint.getHost() == null || !noPath || endpoint.getQuery() != null) {
      throw new IllegalArgumentException(
          "Invalid S3 endpoint '"
              + endpoint
              + "': give an http or https URL with a host and no path, such as https://host:9000");
    }
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("S3 setting '" + name + "' is missing or blank");
    }
  }

  private static String normalizePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.equals("/")) {
      return "";
    }
    String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    try {
      return new StorageKey(trimmed).value();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid S3 key prefix '" + prefix + "': " + e.getMessage(), e);
    }
  }
}
