package io.slipway.api.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  private final AccountProperties.Lockout settings =
      new AccountProperties.Lockout(5, 20, Duration.ofMinutes(15), Duration.ofHours(24));

  @Test
  void firstLockoutLastsBaseDuration() {
    assertThat(LoginThrottle.lockoutDuration(settings, 0)).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void eachLockoutInRowDoubles() {
    assertThat(LoginThrottle.lockoutDuration(settings, 1)).isEqualTo(Duration.ofMinutes(30));
    assertThat(LoginThrottle.lockoutDuration(settings, 2)).isEqualTo(Duration.ofMinutes(60));
    assertThat(LoginThrottle.lockoutDuration(settings, 6)).isEqualTo(Duration.ofMinutes(960));
  }

  @Test
  void lockoutStopsAtMaximum() {
    assertThat(LoginThrottle.lockoutDuration(settings, 7)).isEqualTo(Duration.ofHours(24));
    assertThat(LoginThrottle.lockoutDuration(settings, 1000)).isEqualTo(Duration.ofHours(24));
  }
}
