package io.slipway.api.build;

import io.slipway.testing.TestDatabase;

class BuildSinkIT extends BuildSinkContract {

  @Override
  TestDatabase database() {
    return TestDatabase.h2();
  }
}
