package io.slipway.api.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.error.BadRequestException;
import io.slipway.api.error.UnauthorizedException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicCredentialsTest {

  private static String basic(String userAndPassword) {
    return "Basic "
        + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesUserAndPassword() {
    assertThat(BasicCredentials.fromAuthorizationHeader(basic("admin:slw_a:b")))
        .contains(new BasicCredentials("admin", "slw_a:b"));
  }

  @Test
  void schemeIsCaseInsensitive() {
    String header = basic("admin:x").replace("Basic", "bAsIc");

    assertThat(BasicCredentials.fromAuthorizationHeader(header))
        .contains(new BasicCredentials("admin", "x"));
  }

  @Test
  void missingHeaderGivesNoCredentials() {
    assertThat(BasicCredentials.fromAuthorizationHeader(null)).isEmpty();
  }

  @Test
  void bearerSchemeIsUnauthorized() {
    assertThatThrownBy(() -> BasicCredentials.fromAuthorizationHeader("Bearer abc"))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("'Bearer'");
  }

  @Test
  void invalidBase64IsBadRequest() {
    assertThatThrownBy(() -> BasicCredentials.fromAuthorizationHeader("Basic !!!"))
        .isInstanceOf(BadRequestException.class);
  }

  @Test
  void valueWithoutColonIsBadRequest() {
    assertThatThrownBy(() -> BasicCredentials.fromAuthorizationHeader(basic("admin")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("no ':'");
  }

  @Test
  void toStringMasksPassword() {
    assertThat(new BasicCredentials("admin", "slw_secret").toString()).doesNotContain("slw_secret");
  }
}
