package io.slipway.api.account.totp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OtpauthUriTest {

  @Test
  void namesIssuerUserAndParameters() {
    assertThat(TotpService.otpauthUri("alice", "JBSWY3DPEHPK3PXP"))
        .isEqualTo(
            "otpauth://totp/Slipway:alice?secret=JBSWY3DPEHPK3PXP&issuer=Slipway"
                + "&algorithm=SHA1&digits=6&period=30");
  }

  @Test
  void encodesUserNameOutsideUrlCharacters() {
    assertThat(TotpService.otpauthUri("ann lee@corp", "AB"))
        .startsWith("otpauth://totp/Slipway:ann%20lee%40corp?");
  }
}
