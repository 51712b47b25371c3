package io.slipway.signing.state;

import io.slipway.signing.Signer;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.document.DocumentJson;
import io.slipway.signing.document.DocumentReader;
import io.slipway.signing.dsse.Dsse;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.dsse.EnvelopeJson;
import io.slipway.signing.trust.TrustPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A device's target state: the release the server wants one device to run, signed with an expiry. A
 * frozen server lets the state run out, and a replayed old state is older than one the device
 * already accepted, so the device notices both. Immutable; signed as a DSSE envelope of {@link
 * #PAYLOAD_TYPE}.
 *
 * @param deviceUuid the device the state is for
 * @param fleet the device's fleet, {@code org/fleet}
 * @param issuedAt when the server signed the state, cut to whole seconds
 * @param expiresAt after this instant the device rejects the state, cut to whole seconds
 * @param trustPolicyVersion the version of the signed key list ({@code TrustPolicyDocument}) that
 *     the server served when it signed the state, 1 or more. A device that has an older list must
 *     fetch and apply the newer one before it installs anything ({@link
 *     #requireTrustPolicyVersion}), so a withheld key list shows within one state's validity.
 * @param target the release to run, or null when the fleet has none
 * @param pin the signed pin that allows the target although it is older than the installed release,
 *     or null. The device verifies it on its own with {@code PinDocument.verify}.
 */
public record TargetStateDocument(
    String deviceUuid,
    String fleet,
    Instant issuedAt,
    Instant expiresAt,
    long trustPolicyVersion,
    TargetRelease target,
    Envelope pin) {

  /** The document's {@code _type}. */
  public static final String TYPE = "https://slipway.io/target-state/v1";

  /** The DSSE payload type of signed target states. */
  public static final String PAYLOAD_TYPE = "application/vnd.slipway.target-state.v1+json";

  /**
   * How far a state's {@code issuedAt} may lie ahead of the device's clock before the state is
   * rejected as {@code MALFORMED}: more points at a wrong clock on one side.
   */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  /**
   * The maximum time from {@code issuedAt} to {@code expiresAt}. Without a limit, an attacker with
   * a retired key could sign a state dated before the retirement that never expires. A device that
   * has accepted no later state would take it. With the limit, such a state expires at the latest
   * this long after the retirement.
   */
  public static final Duration MAX_VALIDITY = Duration.ofDays(7);

  private static final Set<String> FIELDS =
      Set.of("deviceUuid", "fleet", "issuedAt", "expiresAt", "trustPolicyVersion", "target", "pin");
  private static final Set<String> TARGET_FIELDS =
      Set.of("releaseId", "version", "sequence", "releaseDigest");

  /**
   * Cuts both instants to whole seconds.
   *
   * @throws IllegalArgumentException naming the value when the device is blank, the fleet is not
   *     {@code org/fleet}, the state expires no later than it is issued, it is valid for longer
   *     than {@link #MAX_VALIDITY}, or the key list version is below 1
   */
  public TargetStateDocument {
    if (deviceUuid == null || deviceUuid.isBlank()) {
      throw new IllegalArgumentException("A target state needs the device's UUID");
    }
    DocumentJson.requireFleet(fleet);
    issuedAt = DocumentJson.seconds(Objects.requireNonNull(issuedAt, "issuedAt"));
    expiresAt = DocumentJson.seconds(Objects.requireNonNull(expiresAt, "expiresAt"));
    if (!expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException(
          "Target state of device "
              + deviceUuid
              + " expires at "
              + expiresAt
              + ", not after it is issued at "
              + issuedAt);
    }
    if (Duration.between(issuedAt, expiresAt).compareTo(MAX_VALIDITY) > 0) {
      throw new IllegalArgumentException(
          "Target state of device "
              + deviceUuid
              + " is issued at "
              + issuedAt
              + " and expires at "
              + expiresAt
              + ", valid for longer than the maximum of "
              + MAX_VALIDITY.toDays()
              + " days");
    }
    if (trustPolicyVersion < 1) {
      throw new IllegalArgumentException(
          "Target state of device "
              + deviceUuid
              + " names key list version "
              + trustPolicyVersion
              + ", which must be 1 or more");
    }
  }

  /** Returns the canonical JSON; a missing target or pin is JSON null. */
  public byte[] toJson() {
    ObjectNode root = DocumentJson.newDocument(TYPE);
    root.put("deviceUuid", deviceUuid);
    root.put("fleet", fleet);
    root.put("issuedAt", DocumentJson.format(issuedAt));
    root.put("expiresAt", DocumentJson.format(expiresAt));
    root.put("trustPolicyVersion", trustPolicyVersion);
    if (target == null) {
      root.putNull("target");
    } else {
      ObjectNode node = root.putObject("target");
      node.put("releaseId", target.releaseId());
      node.put("version", target.version());
      node.put("sequence", target.sequence());
      node.put("releaseDigest", target.releaseDigest());
    }
    if (pin == null) {
      root.putNull("pin");
    } else {
      root.set("pin", DocumentJson.readTree(EnvelopeJson.write(pin)));
    }
    return DocumentJson.write(root);
  }

  /**
   * Parses a target state.
   *
   * @throws VerificationException with {@code MALFORMED} naming the field at fault
   */
  public static TargetStateDocument parse(byte[] json) {
    DocumentReader reader = DocumentJson.read(json, TYPE, "target state", FIELDS);
    TargetRelease target = target(reader.optionalObject("target"));
    JsonNode pinNode = reader.optionalNode("pin");
    Envelope pin = pinNode == null ? null : EnvelopeJson.read(DocumentJson.write(pinNode));
    try {
      return new TargetStateDocument(
          reader.text("deviceUuid"),
          reader.text("fleet"),
          reader.instant("issuedAt"),
          reader.instant("expiresAt"),
          reader.integer("trustPolicyVersion"),
          target,
          pin);
    } catch (IllegalArgumentException e) {
      throw reader.invalid(e.getMessage());
    }
  }

  private static TargetRelease target(DocumentReader reader) {
    if (reader == null) {
      return null;
    }
    reader.requireOnly(TARGET_FIELDS);
    try {
      return new TargetRelease(
          reader.integer("releaseId"),
          reader.text("version"),
          reader.integer("sequence"),
          reader.text("releaseDigest"));
    } catch (IllegalArgumentException e) {
      throw reader.invalid(e.getMessage());
    }
  }

  /**
   * Checks that the device has the key list this state names, or a newer one. Whoever answers on
   * the device endpoints could otherwise withhold a key list that revokes a stolen key while still
   * serving fresh states. The device calls this after {@link #verify}, also for a state without a
   * target. When it fails, the device fetches the signed key list, applies it with {@code
   * TrustUpdate.apply}, and verifies the state again with the new keys before it installs anything,
   * since the new list may revoke the key that signed the state. {@code ReleaseVerifier.verify}
   * calls it first.
   *
   * @param heldVersion the version of the key list the device holds ({@code
   *     VersionedTrustPolicy.version()}), 0 for keys from provisioning
   * @throws VerificationException {@code STALE_TRUST_POLICY} when this state names a higher version
   *     than {@code heldVersion}
   */
  public void requireTrustPolicyVersion(long heldVersion) {
    if (trustPolicyVersion <= heldVersion) {
      return;
    }
    throw new VerificationException(
        VerificationFailure.STALE_TRUST_POLICY,
        "The target state of device "
            + deviceUuid
            + " names key list version "
            + trustPolicyVersion
            + ", but the device has version "
            + heldVersion
            + "; fetch and apply the signed key list, then verify the state again");
  }

  /** Signs the state with {@code signer}. */
  public Envelope sign(Signer signer) {
    return Dsse.sign(signer, PAYLOAD_TYPE, toJson());
  }

  /**
   * Verifies a signed target state for this device: the signature by a key that {@code policy}
   * trusts for the claimed {@code issuedAt}, then the content. The checks after the signature, in
   * order: the state is for {@code deviceUuid} ({@code SUBJECT_MISMATCH}); {@code issuedAt} lies at
   * most {@link #MAX_CLOCK_SKEW} after {@code now} ({@code MALFORMED}, since such a state cannot
   * have been issued yet by a server with a correct clock); {@code now} is not after {@code
   * expiresAt} ({@code EXPIRED}); and {@code issuedAt} is not before {@code lastAcceptedIssuedAt}
   * ({@code REPLAYED}). A state issued at the same second as the last accepted one passes, so the
   * device may fetch one state twice.
   *
   * @param lastAcceptedIssuedAt the {@code issuedAt} of the last state this device accepted, or
   *     null when none
   * @throws VerificationException naming the failed check and the instants involved
   */
  public static TargetStateDocument verify(
      Envelope envelope,
      TrustPolicy policy,
      String deviceUuid,
      Instant lastAcceptedIssuedAt,
      Instant now) {
    Objects.requireNonNull(deviceUuid, "deviceUuid");
    Objects.requireNonNull(now, "now");
    TargetStateDocument state =
        parse(DocumentJson.verifiedPayload(envelope, PAYLOAD_TYPE, "issuedAt", policy, now));
    if (!state.deviceUuid().equals(deviceUuid)) {
      throw new VerificationException(
          VerificationFailure.SUBJECT_MISMATCH,
          "The target state is for device " + state.deviceUuid() + ", not for " + deviceUuid);
    }
    if (state.issuedAt().isAfter(now.plus(MAX_CLOCK_SKEW))) {
      throw new VerificationException(
          VerificationFailure.MALFORMED,
          "The target state of device "
              + deviceUuid
              + " is issued at "
              + state.issuedAt()
              + ", more than "
              + MAX_CLOCK_SKEW.toMinutes()
              + " minutes after the device's time "
              + now
              + "; check the clocks of the device and the server");
    }
    if (now.isAfter(state.expiresAt())) {
      throw new VerificationException(
          VerificationFailure.EXPIRED,
          "The target state of device "
              + deviceUuid
              + " expired at "
              + state.expiresAt()
              + " (now "
              + now
              + "); the server has not signed a newer one");
    }
    if (lastAcceptedIssuedAt != null && state.issuedAt().isBefore(lastAcceptedIssuedAt)) {
      throw new VerificationException(
          VerificationFailure.REPLAYED,
          "The target state of device "
              + deviceUuid
              + " is issued at "
              + state.issuedAt()
              + ", before the last accepted state issued at "
              + lastAcceptedIssuedAt);
    }
    return state;
  }
}
