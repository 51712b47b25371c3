package io.slipway.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the failure a verification reports. */
public final class VerificationAssertions {

  private VerificationAssertions() {}

  /** Asserts that {@code call} throws a {@link VerificationException} with {@code failure}. */
  public static VerificationException assertFails(
      ThrowingCallable call, VerificationFailure failure) {
    VerificationException thrown = catchThrowableOfType(call, VerificationException.class);
    assertThat(thrown).as("the verification exception").isNotNull();
    assertThat(thrown.failure()).as("failure of: " + thrown.getMessage()).isEqualTo(failure);
    return thrown;
  }

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
