package io.slipway.builder.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.BuildResult;
import io.slipway.builder.platform.Platform;
import java.time.Instant;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

class JdbcBuildCacheTest {

  private static final String DIGEST_A = "sha256:" + "a".repeat(64);
  private static final String DIGEST_B = "sha256:" + "b".repeat(64);

  private JdbcBuildCache cache;

  @BeforeEach
  void createTable() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(
        "jdbc:h2:mem:cache-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1");
    new ResourceDatabasePopulator(new ClassPathResource(JdbcBuildCache.SCHEMA)).execute(dataSource);
    cache = new JdbcBuildCache(dataSource);
  }

  @Test
  void findReturnsStoredManifest() {
    CachedManifest stored = manifest(Platform.LINUX_ARM_V7, DIGEST_A);

    cache.put("key-1", stored);

    assertThat(cache.find("key-1")).contains(stored);
  }

  @Test
  void findWithoutEntryIsEmpty() {
    assertThat(cache.find("missing")).isEmpty();
  }

  @Test
  void putReplacesEarlierEntry() {
    cache.put("key-1", manifest(Platform.LINUX_AMD64, DIGEST_A));
    CachedManifest newer = manifest(Platform.LINUX_AMD64, DIGEST_B);

    cache.put("key-1", newer);

    assertThat(cache.find("key-1")).contains(newer);
  }

  @Test
  void removeDropsEntry() {
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
