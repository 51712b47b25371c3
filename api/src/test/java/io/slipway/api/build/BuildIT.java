package io.slipway.api.build;

import io.slipway.testing.TestDatabase;

class BuildIT extends BuildContract {

  @Override
  TestDatabase database() {
    return TestDatabase.h2();
  }
}
