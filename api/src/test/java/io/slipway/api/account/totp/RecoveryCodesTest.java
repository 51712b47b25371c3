package io.slipway.api.account.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryCodesTest {

  private final List<String> codes = RecoveryCodes.generate(new SecureRandom());

  @Test
  void generatesTenDistinctCodes() {
    assertThat(codes).hasSize(RecoveryCodes.COUNT).doesNotHaveDuplicates();
  }

  @Test
  void codesAreFourGroupsOfBase32() {
    assertThat(codes).allMatch(code -> code.matches("[a-z2-7]{4}(-[a-z2-7]{4}){3}"));
  }

  @Test
  void hashIgnoresCaseHyphensAndSpaces() {
    String code = codes.get(0);
    String typed = code.toUpperCase().replace("-", " ");

    assertThat(RecoveryCodes.hash(typed)).isEqualTo(RecoveryCodes.hash(code));
  }

  @Test
  void differentCodesHaveDifferentHashes() {
    assertThat(RecoveryCodes.hash(codes.get(0))).isNotEqualTo(RecoveryCodes.hash(codes.get(1)));
  }
}
