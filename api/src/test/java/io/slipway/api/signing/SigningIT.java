package io.slipway.api.signing;

import io.slipway.testing.TestDatabase;

class SigningIT extends SigningContract {

  @Override
  TestDatabase database() {
    return TestDatabase.h2();
  }
}
