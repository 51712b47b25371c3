package io.slipway.api.deploy;

import io.slipway.testing.TestDatabase;

class DeploymentIT extends DeploymentContract {

  @Override
  TestDatabase database() {
    return TestDatabase.h2();
  }
}
