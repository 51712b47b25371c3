package io.slipway.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3SettingsTest {

  private static final URI ENDPOINT = URI.create("http://127.0.0.1:9000");

  private static S3Settings withBucket(String bucket) {
    return new S3Settings(ENDPOINT, "us-east-1", bucket, "access", "secret", "");
  }

  private static S3Settings withPrefix(String prefix) {
    return new S3Settings(ENDPOINT, "us-east-1", "slipway", "access", "secret", prefix);
  }

  private static S3Settings withEndpoint(String endpoint) {
    return new S3Settings(URI.create(endpoint), "us-east-1", "slipway", "access", "secret", "");
  }

  @Test
  void toStringMasksSecretKey() {
    S3Settings settings =
        new S3Settings(ENDPOINT, "us-east-1", "slipway", "AKIAEXAMPLE", "s3cr3t-value", "p");

    assertThat(settings.toString()).doesNotContain("s3cr3t-value");
    assertThat(settings.toString()).contains("AKIAEXAMPLE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ab", "Upper", "under_score", "-leading", "trailing-", "a b"})
  void invalidBucketIsRejectedNamingValue(String bucket) {
    assertThatThrownBy(() -> withBucket(bucket))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + bucket + "'");
  }

  @Test
  void validBucketIsAccepted() {
    assertThat(withBucket("slipway-blobs.eu1").bucket()).isEqualTo("slipway-blobs.eu1");
  }

  @Test
  void prefixTrailingSlashIsDropped() {
    assertThat(withPrefix("fleet/prod/").prefix()).isEqualTo("fleet/prod");
  }

  @Test
  void nullPrefixBecomesEmpty() {
    assertThat(withPrefix(null).objectNamePrefix()).isEmpty();
  }

  @Test
  void objectNamePrefixEndsWithSlash() {
    assertThat(withPrefix("fleet").objectNamePrefix()).isEqualTo("fleet/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "/abs", "a//b"})
  void traversalPrefixIsRejectedNamingValue(String prefix) {
    assertThatThrownBy(() -> withPrefix(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + prefix + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://host", "http://host/path", "host:9000", "http://host?x=1"})
  void invalidEndpointIsRejectedNamingValue(String endpoint) {
    assertThatThrownBy(() -> withEndpoint(endpoint))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(endpoint);
  }

  @Test
  void blankSecretKeyIsRejected() {
    assertThatThrownBy(() -> new S3Settings(ENDPOINT, "us-east-1", "slipway", "access", " ", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secretKey");
  }
}
