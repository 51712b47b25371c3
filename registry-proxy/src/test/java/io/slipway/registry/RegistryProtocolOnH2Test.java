package io.slipway.registry;

import org.junit.jupiter.api.BeforeAll;

class RegistryProtocolOnH2Test extends RegistryProtocolContract {

  @BeforeAll
  static void startRegistry() throws Exception {
    fixture = RegistryFixture.start();
  }
}
