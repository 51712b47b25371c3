package io.slipway.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on {@link VerificationException}s, shared by the signing module's tests. */
public final class VerificationAssertions {

  private VerificationAssertions() {}

  /**
   * Asserts that {@code call} throws a {@link VerificationException} with {@code failure}, and
   * returns an assertion on it for checks of the message.
   */
  public static AbstractThrowableAssert<?, ? extends Throwable> assertFailure(
      ThrowingCallable call, VerificationFailure failure) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            VerificationException.class, e -> assertThat(e.failure()).isEqualTo(failure));
  }
}
