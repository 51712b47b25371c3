package io.slipway.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartupReportTest {

  @Test
  void listenerThatIsOffReadsOff() {
    assertThat(StartupReport.listener(-1)).isEqualTo("off");
  }

  @Test
  void boundListenerShowsItsPort() {
    assertThat(StartupReport.listener(8883)).isEqualTo("8883");
  }
}
