package io.slipway.api.targetstate;

import io.slipway.testing.TestDatabase;

class TargetStateIT extends TargetStateContract {

  @Override
  TestDatabase database() {
    return TestDatabase.h2();
  }
}
