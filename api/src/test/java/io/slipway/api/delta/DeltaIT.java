package io.slipway.api.delta;

import io.slipway.testing.TestDatabase;

class DeltaIT extends DeltaContract {

  @Override
  TestDatabase database() {
    return TestDatabase.h2();
  }
}
