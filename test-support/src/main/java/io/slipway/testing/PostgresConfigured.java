package io.slipway.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the annotated test class only when {@code SLIPWAY_TEST_POSTGRES_URL} names a PostgreSQL
 * server. Under CI ({@code CI=true}) a missing URL fails the class instead of skipping it, as
 * {@link TestDatabase#all()} does.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PostgresConfigured.Condition.class)
public @interface PostgresConfigured {

  /** The condition behind the annotation. */
  class Condition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String url = System.getenv(TestDatabase.POSTGRES_URL_VARIABLE);
      if (url != null && !url.isBlank()) {
        return ConditionEvaluationResult.enabled(TestDatabase.POSTGRES_URL_VARIABLE + " is set");
      }
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(
            TestDatabase.POSTGRES_URL_VARIABLE
                + " is not set under CI: .ci/run must start PostgreSQL and set it");
      }
      return ConditionEvaluationResult.disabled(
          TestDatabase.POSTGRES_URL_VARIABLE + " is not set; PostgreSQL tests are skipped");
    }
  }
}
