package io.slipway.api.signing;

import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.state.TargetStateDocument;
import java.time.Duration;
import java.util.Base64;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of release and target-state signing under {@code slipway.signing.*}. Immutable; {@link
 * #toString()} never shows the master key.
 *
 * @param masterKey base64 of the 32-byte AES key that encrypts the private signing keys at rest;
 *     when unset, the key is read from {@code DATA_DIR/keys/signing-master.key}, which the first
 *     start creates with mode 0600
 * @param algorithm the algorithm of keys the server generates, {@code ECDSA_P256} by default or
 *     {@code ED25519}
 * @param keyLifetime when set, how long a generated or imported key stays valid unless its request
 *     names an expiry; unset means keys never expire
 * @param targetStateValidity how long a signed target state is valid after it was issued: one day
 *     by default, at least one minute and at most {@link TargetStateDocument#MAX_VALIDITY} (seven
 *     days). The server signs a new one once half of it has passed
 */
@ConfigurationProperties("slipway.signing")
public record SigningProperties(
    String masterKey,
    @DefaultValue("ECDSA_P256") KeyAlgorithm algorithm,
    Duration keyLifetime,
    @DefaultValue("P1D") Duration targetStateValidity) {

  /** The shortest target-state validity accepted: devices poll at intervals of seconds. */
  public static final Duration MIN_TARGET_STATE_VALIDITY = Duration.ofMinutes(1);

  private static final int MASTER_KEY_BYTES = 32;

  /**
   * @throws IllegalArgumentException naming the setting and the fix when the master key is not
   *     base64 of 32 bytes (the message never contains the key), or the key lifetime is not
   *     positive. Also when the target-state validity is shorter than one minute or longer than
   *     seven days.
   */
  public SigningProperties {
    if (masterKey != null && masterKey.isBlank()) {
      masterKey = null;
    }
    if (masterKey != null) {
      requireMasterKeyForm(masterKey.strip());
      masterKey = masterKey.strip();
    }
    if (algorithm == null) {
      algorithm = KeyAlgorithm.ECDSA_P256;
    }
    if (keyLifetime != null && (keyLifetime.isNegative() || keyLifetime.isZero())) {
      throw new IllegalArgumentException(
          "slipway.signing.key-lifetime is "
              + keyLifetime
              + ": set a positive duration such as P365D, or leave it unset for keys that never"
              + " expire");
    }
    if (targetStateValidity == null) {
      targetStateValidity = Duration.ofDays(1);
    }
    if (targetStateValidity.compareTo(MIN_TARGET_STATE_VALIDITY) < 0) {
      throw new IllegalArgumentException(
          "slipway.signing.target-state-validity is "
              + targetStateValidity
              + ": set at least PT1M (one minute); the default is P1D");
    }
    if (targetStateValidity.compareTo(TargetStateDocument.MAX_VALIDITY) > 0) {
      throw new IllegalArgumentException(
          "slipway.signing.target-state-validity is "
              + targetStateValidity
              + ": set at most "
              + TargetStateDocument.MAX_VALIDITY
              + ", the longest validity devices accept; the default is P1D");
    }
  }

  private static void requireMasterKeyForm(String text) {
    int length;
    try {
      length = Base64.getDecoder().decode(text).length;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "slipway.signing.master-key is not valid base64: set it to the base64 of 32 random"
              + " bytes, for example the output of 'openssl rand -base64 32'");
    }
    if (length != MASTER_KEY_BYTES) {
      throw new IllegalArgumentException(
          "slipway.signing.master-key decodes to "
              + length
              + " bytes, not 32: set it to the base64 of 32 random bytes, for example the output"
              + " of 'openssl rand -base64 32'");
    }
  }

  @Override
  public String toString() {
    return "SigningProperties[masterKey="
        + (masterKey == null ? "unset" : "****")
        + ", algorithm="
        + algorithm
        + ", keyLifetime="
        + keyLifetime
        + ", targetStateValidity="
        + targetStateValidity
        + "]";
  }
}
