package io.slipway.api.releasesigning;

import io.slipway.testing.TestDatabase;

class ReleaseSigningIT extends ReleaseSigningContract {

  @Override
  TestDatabase database() {
    return TestDatabase.h2();
  }
}
