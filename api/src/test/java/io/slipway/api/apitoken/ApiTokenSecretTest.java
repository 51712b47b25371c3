package io.slipway.api.apitoken;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ApiTokenSecretTest {

  private final SecureRandom random = new SecureRandom();

  @Test
  void tokenHasPrefixAnd32RandomBytes() {
    String value = ApiTokenSecret.generate(random).value();

    assertThat(value).startsWith("slw_");
    assertThat(Base64.getUrlDecoder().decode(value.substring(4))).hasSize(32);
  }

  @Test
  void tokensDiffer() {
    assertThat(ApiTokenSecret.generate(random)).isNotEqualTo(ApiTokenSecret.generate(random));
  }

  @Test
  void hashIsLowerCaseHexSha256() {
    assertThat(new ApiTokenSecret("abc").sha256Hex())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void toStringMasksValue() {
    ApiTokenSecret token = ApiTokenSecret.generate(random);

    assertThat(token.toString()).doesNotContain(token.value());
  }
}
