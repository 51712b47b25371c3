package io.slipway.api.control.channel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChannelSettingTest {

  private static final long NOW = 1_000_000L;

  @Test
  void deviceFollowsFleetWithoutSetting() {
    assertThat(new ChannelSetting(null, null, true).effective(true, NOW)).isTrue();
    assertThat(new ChannelSetting(null, null, false).effective(true, NOW)).isFalse();
    assertThat(new ChannelSetting(null, null, false).settingName(NOW)).isEqualTo("fleet");
  }

  @Test
  void deviceSettingBeatsFleet() {
    assertThat(new ChannelSetting(true, null, false).effective(true, NOW)).isTrue();
    assertThat(new ChannelSetting(false, null, true).effective(true, NOW)).isFalse();
    assertThat(new ChannelSetting(false, null, true).settingName(NOW)).isEqualTo("off");
  }

  @Test
  void settingAppliesUntilItsEnd() {
    ChannelSetting setting = new ChannelSetting(true, NOW, false);

    assertThat(setting.effective(true, NOW)).isTrue();
    assertThat(setting.effective(true, NOW + 1)).isFalse();
    assertThat(setting.settingName(NOW + 1)).isEqualTo("fleet");
  }

  @Test
  void serverSwitchOverridesEverything() {
    assertThat(new ChannelSetting(true, null, true).effective(false, NOW)).isFalse();
  }
}
