package io.slipway.api.release;

import io.slipway.testing.TestDatabase;

class ReleaseLifecycleIT extends ReleaseLifecycleContract {

  @Override
  TestDatabase database() {
    return TestDatabase.h2();
  }
}
