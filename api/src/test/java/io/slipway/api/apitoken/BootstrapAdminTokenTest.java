package io.slipway.api.apitoken;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BootstrapAdminTokenTest {

  private static final ApiTokenSecret TOKEN = new ApiTokenSecret("slw_" + "a".repeat(43));
  private static final Path FILE = Path.of("/var/lib/slipway/bootstrap-token");

  @Test
  void bannerShowsToken() {
    assertThat(BootstrapAdminToken.banner(TOKEN, FILE)).contains(TOKEN.value());
  }

  @Test
  void bannerSaysToDeleteTokenFile() {
    assertThat(BootstrapAdminToken.banner(TOKEN, FILE))
        .contains("Read the token from " + FILE)
        .contains("store it safely")
        .contains("delete the file");
  }

  @Test
  void bannerWarnsThatRedirectedOutputKeepsToken() {
    assertThat(BootstrapAdminToken.banner(TOKEN, FILE))
        .contains("redirected to a file or kept by journald");
  }

  @Test
  void bannerWithoutFileSaysToCopyToken() {
    assertThat(BootstrapAdminToken.banner(TOKEN, null))
        .doesNotContain("delete the file")
        .contains("copy the token from")
        .contains("store it safely");
  }
}
