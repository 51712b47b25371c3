package io.slipway.api.account.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {

  // The shared secret of the test vectors in RFC 6238, appendix B, for HMAC-SHA1.
  private static final byte[] RFC_SHA1_SEED =
      "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RFC_SHA256_SEED =
      "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RFC_SHA512_SEED =
      "1234567890123456789012345678901234567890123456789012345678901234"
          .getBytes(StandardCharsets.US_ASCII);

  private static final byte[] SECRET = Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");

  @ParameterizedTest(name = "T={0}s gives {1}")
  @CsvSource({
    "59, 94287082",
    "1111111109, 07081804",
    "1111111111, 14050471",
    "1234567890, 89005924",
    "2000000000, 69279037",
    "20000000000, 65353130"
  })
  void matchesRfc6238Sha1Vectors(long seconds, String expected) {
    long step = Totp.step(seconds * 1000);

    assertThat(Totp.code(RFC_SHA1_SEED, step, "HmacSHA1", 8)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "T={0}s gives {1} and {2}")
  @CsvSource({
    "59, 46119246, 90693936",
    "1111111109, 68084774, 25091201",
    "1111111111, 67062674, 99943326",
    "1234567890, 91819424, 93441116",
    "2000000000, 90698825, 38618901",
    "20000000000, 77737706, 47863826"
  })
  void truncationAgreesWithRfc6238Sha2Vectors(long seconds, String sha256, String sha512) {
    long step = Totp.step(seconds * 1000);

    assertThat(Totp.code(RFC_SHA256_SEED, step, "HmacSHA256", 8)).isEqualTo(sha256);
    assertThat(Totp.code(RFC_SHA512_SEED, step, "HmacSHA512", 8)).isEqualTo(sha512);
  }

  @Test
  void sixDigitsTruncateEightDigitCode() {
    long step = Totp.step(1_111_111_109_000L);

    assertThat(Totp.code(RFC_SHA1_SEED, step)).isEqualTo("081804");
  }

  @Test
  void stepsAreThirtySecondsFromEpoch() {
    assertThat(Totp.step(29_999)).isZero();
    assertThat(Totp.step(30_000)).isEqualTo(1);
  }

  @Test
  void acceptsCodeOfCurrentStep() {
    long now = 1_700_000_000_000L;
    String code = Totp.code(SECRET, Totp.step(now));

    assertThat(Totp.verify(SECRET, code, now, Long.MIN_VALUE)).hasValue(Totp.step(now));
  }

  @Test
  void acceptsCodeOfPreviousAndNextStep() {
    long now = 1_700_000_000_000L;
    long step = Totp.step(now);

    assertThat(Totp.verify(SECRET, Totp.code(SECRET, step - 1), now, Long.MIN_VALUE))
        .hasValue(step - 1);
    assertThat(Totp.verify(SECRET, Totp.code(SECRET, step + 1), now, Long.MIN_VALUE))
        .hasValue(step + 1);
  }

  @Test
  void refusesCodeTwoStepsOld() {
    long now = 1_700_000_000_000L;
    String old = Totp.code(SECRET, Totp.step(now) - 2);

    assertThat(Totp.verify(SECRET, old, now, Long.MIN_VALUE)).isEmpty();
  }

  @Test
  void refusesReplayOfAcceptedCode() {
    long now = 1_700_000_000_000L;
    String code = Totp.code(SECRET, Totp.step(now));
    long used = Totp.verify(SECRET, code, now, Long.MIN_VALUE).orElseThrow();

    assertThat(Totp.verify(SECRET, code, now + 5_000, used)).isEmpty();
  }

  @Test
  void refusesCodeOfStepBeforeLastAcceptedOne() {
    long now = 1_700_000_000_000L;
    long step = Totp.step(now);

    assertThat(Totp.verify(SECRET, Totp.code(SECRET, step - 1), now, step)).isEmpty();
  }

  @Test
  void ignoresSpacesInTypedCode() {
    long now = 1_700_000_000_000L;
    String code = Totp.code(SECRET, Totp.step(now));
    String spaced = code.substring(0, 3) + " " + code.substring(3);

    assertThat(Totp.verify(SECRET, spaced, now, Long.MIN_VALUE)).isPresent();
  }

  @ParameterizedTest
  @CsvSource({"12345", "1234567", "12a456", "''"})
  void rejectsMalformedCodes(String code) {
    assertThat(Totp.verify(SECRET, code, 1_700_000_000_000L, Long.MIN_VALUE)).isEmpty();
  }

  @Test
  void refusesMissingCode() {
    assertThat(Totp.verify(SECRET, null, 1_700_000_000_000L, Long.MIN_VALUE)).isEmpty();
  }
}
