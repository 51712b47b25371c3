package io.slipway.api.apitoken;

import static io.slipway.api.server.HttpTestClient.basic;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.server.HttpTestClient;
import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

@ExtendWith(OutputCaptureExtension.class)
class BootstrapAdminTokenIT {

  private static final String BANNER = "Slipway bootstrap admin token (printed once)";

  @TempDir Path dataDirectory;

  static List<TestDatabase> databases() {
    return TestDatabase.all();
  }

  private static int occurrences(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void firstStartPrintsTokenOnceAndWritesFile(TestDatabase database, CapturedOutput output)
      throws Exception {
    try (ConfigurableApplicationContext server = TestServers.start(database, dataDirectory)) {
      String token = Files.readString(dataDirectory.resolve("bootstrap-token")).strip();

      assertThat(occurrences(output.getOut(), BANNER)).isEqualTo(1);
      assertThat(output.getOut()).contains(token);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void tokenNeverReachesLog(TestDatabase database, CapturedOutput output) throws Exception {
    try (ConfigurableApplicationContext server = TestServers.start(database, dataDirectory)) {
      String token = Files.readString(dataDirectory.resolve("bootstrap-token")).strip();
      HttpTestClient http = new HttpTestClient(TestServers.port(server));
      http.get("/auth/token", "Authorization", basic("admin", token));

      // Spring Boot's console logging goes to standard output; the banner is the only place the
      // token may appear there.
      String withoutBanner = output.getOut().replaceFirst("(?s)={78}.*?={78}", "");
      assertThat(withoutBanner).doesNotContain(token);
      assertThat(output.getErr()).doesNotContain(token);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void secondStartNeitherPrintsNorRegeneratesToken(TestDatabase database, CapturedOutput output)
      throws Exception {
    Path tokenFile = dataDirectory.resolve("bootstrap-token");
    try (ConfigurableApplicationContext first = TestServers.start(database, dataDirectory)) {
      assertThat(tokenFile).exists();
    }
    String token = Files.readString(tokenFile).strip();
    // The administrator has read the token and deleted the file, as the banner instructs.
    Files.delete(tokenFile);

    try (ConfigurableApplicationContext second = TestServers.start(database, dataDirectory)) {
      HttpTestClient http = new HttpTestClient(TestServers.port(second));

      assertThat(occurrences(output.getOut(), BANNER)).isEqualTo(1);
      assertThat(tokenFile).doesNotExist();
      assertThat(adminTokenCount(database.dataSource())).isEqualTo(1);
      assertThat(http.get("/auth/token", "Authorization", basic("admin", token)).statusCode())
          .isEqualTo(200);
    }
  }

  private static long adminTokenCount(DataSource dataSource) {
    return JdbcClient.create(dataSource)
        .sql("SELECT COUNT(*) FROM api_token WHERE subject = 'admin'")
        .query(Long.class)
        .single();
  }
}
