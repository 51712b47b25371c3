package io.slipway.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.registry.RegistrySettings;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SlipwayPropertiesTest {

  private static SlipwayProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("slipway", SlipwayProperties.class);
  }

  @Test
  void defaultsNeedNoProperties() {
    SlipwayProperties properties = bind(Map.of());

    assertThat(properties.dataDir()).isEqualTo("./data");
    assertThat(properties.storage().type()).isEqualTo(StorageProperties.StorageType.FILESYSTEM);
    assertThat(properties.storage().filesystem().root()).isNull();
    assertThat(properties.registry().anonymousPull()).isFalse();
    assertThat(properties.registry().maxUploadBytes())
        .isEqualTo(RegistrySettings.DEFAULT_MAX_UPLOAD_BYTES);
    assertThat(properties.registry().publicUrl()).isNull();
    assertThat(properties.registry().mirrors()).isEmpty();
  }

  @Test
  void s3SettingsBindFromKebabCaseNames() {
    SlipwayProperties properties =
        bind(
            Map.of(
                "slipway.storage.type", "s3",
                "slipway.storage.s3.endpoint", "http://127.0.0.1:9000",
                "slipway.storage.s3.region", "us-east-1",
                "slipway.storage.s3.bucket", "slipway",
                "slipway.storage.s3.access-key", "minio",
                "slipway.storage.s3.secret-key", "minio-secret",
                "slipway.storage.s3.prefix", "prod"));

    S3Properties s3 = properties.storage().s3();
    assertThat(properties.storage().type()).isEqualTo(StorageProperties.StorageType.S3);
    assertThat(s3.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(s3.accessKey()).isEqualTo("minio");
    assertThat(s3.secretKey()).isEqualTo("minio-secret");
    assertThat(s3.prefix()).isEqualTo("prod");
    assertThat(s3.toString()).doesNotContain("minio-secret");
  }

  @Test
  void registrySettingsBindFromKebabCaseNames() {
    SlipwayProperties properties =
        bind(
            Map.of(
                "slipway.registry.anonymous-pull", "true",
                "slipway.registry.max-upload-bytes", "1048576",
                "slipway.registry.public-url", "https://slipway.example.org",
                "slipway.registry.mirrors[0].prefix", "mirror/debian",
                "slipway.registry.mirrors[0].upstream", "http://127.0.0.1:5000",
                "slipway.registry.mirrors[0].upstream-prefix", "library",
                "slipway.registry.mirrors[0].username", "bot",
                "slipway.registry.mirrors[0].password", "hunter2"));

    RegistryProperties registry = properties.registry();
    assertThat(registry.anonymousPull()).isTrue();
    assertThat(registry.maxUploadBytes()).isEqualTo(1048576);
    assertThat(registry.publicUrl()).isEqualTo(URI.create("https://slipway.example.org"));
    assertThat(registry.mirrors().get(0).toMirror())
        .isEqualTo(
            new RegistrySettings.Mirror(
                "mirror/debian", URI.create("http://127.0.0.1:5000"), "library", "bot", "hunter2"));
  }
}
