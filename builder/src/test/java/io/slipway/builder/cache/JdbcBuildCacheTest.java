package io.slipway.builder.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.BuildResult;
import io.slipway.builder.platform.Platform;
import io.slipway.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

class JdbcBuildCacheTest {

  private static final String DIGEST_A = "sha256:" + "a".repeat(64);
  private static final String DIGEST_B = "sha256:" + "b".repeat(64);

  static List<TestDatabase> databases() {
    return TestDatabase.all();
  }

  private static JdbcBuildCache cache(TestDatabase database) {
    DataSource dataSource = database.dataSource();
    new ResourceDatabasePopulator(new ClassPathResource(JdbcBuildCache.SCHEMA)).execute(dataSource);
    return new JdbcBuildCache(dataSource);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void findReturnsStoredManifest(TestDatabase database) {
    JdbcBuildCache cache = cache(database);
    CachedManifest stored = manifest(Platform.LINUX_ARM_V7, DIGEST_A);

    cache.put("key-1", stored);

    assertThat(cache.find("key-1")).contains(stored);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void findWithoutEntryIsEmpty(TestDatabase database) {
    JdbcBuildCache cache = cache(database);
    assertThat(cache.find("missing")).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void putReplacesEarlierEntry(TestDatabase database) {
    JdbcBuildCache cache = cache(database);
    cache.put("key-1", manifest(Platform.LINUX_AMD64, DIGEST_A));
    CachedManifest newer = manifest(Platform.LINUX_AMD64, DIGEST_B);

    cache.put("key-1", newer);

    assertThat(cache.find("key-1")).contains(newer);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void removeDropsEntry(TestDatabase database) {
    JdbcBuildCache cache = cache(database);
    cache.put("key-1", manifest(Platform.LINUX_ARM64, DIGEST_A));

    cache.remove("key-1");

    assertThat(cache.find("key-1")).isEmpty();
  }

  private static CachedManifest manifest(Platform platform, String digest) {
    BuildResult result =
        new BuildResult(platform, digest, "application/vnd.oci.image.manifest.v1+json", 1234);
    return new CachedManifest("acme/sensors/web", result, Instant.ofEpochMilli(1_700_000_000_000L));
  }
}
