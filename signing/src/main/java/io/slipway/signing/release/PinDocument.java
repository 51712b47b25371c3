package io.slipway.signing.release;

import io.slipway.signing.Signer;
import io.slipway.signing.VerificationException;
import io.slipway.signing.document.DocumentJson;
import io.slipway.signing.document.DocumentReader;
import io.slipway.signing.dsse.Dsse;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.trust.TrustPolicy;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * A release manager's signed permission to install one release although a device runs a newer one:
 * the rollback guard accepts an older release only with a verified pin naming that release's fleet,
 * sequence and digest. Immutable; signed as a DSSE envelope of {@link #PAYLOAD_TYPE}.
 *
 * @param fleet the fleet, {@code org/fleet}
 * @param deviceUuid the one device the pin applies to, or null for every device of the fleet
 * @param releaseSequence the pinned release's sequence
 * @param releaseDigest the pinned release document's digest, {@link ReleaseDocument#digest()}
 * @param pinnedAt when the pin was made and signed, cut to whole seconds
 * @param pinnedBy who pinned it, such as the user name
 */
public record PinDocument(
    String fleet,
    String deviceUuid,
    long releaseSequence,
    String releaseDigest,
    Instant pinnedAt,
    String pinnedBy) {

  /** The document's {@code _type}. */
  public static final String TYPE = "https://slipway.io/pin/v1";

  /** The DSSE payload type of signed pins. */
  public static final String PAYLOAD_TYPE = "application/vnd.slipway.pin.v1+json";

  private static final Set<String> FIELDS =
      Set.of("fleet", "deviceUuid", "releaseSequence", "releaseDigest", "pinnedAt", "pinnedBy");

  /**
   * Cuts {@code pinnedAt} to whole seconds.
   *
   * @throws IllegalArgumentException naming the value when a field is missing or malformed
   */
  public PinDocument {
    DocumentJson.requireFleet(fleet);
    if (deviceUuid != null && deviceUuid.isBlank()) {
      throw new IllegalArgumentException("A pin's device is null for the whole fleet, not blank");
    }
    if (releaseSequence < 1) {
      throw new IllegalArgumentException(
          "Pinned release sequence " + releaseSequence + " must be 1 or more");
    }
    if (!DocumentJson.isSha256Digest(releaseDigest)) {
      throw new IllegalArgumentException(
          "Pinned release digest '" + releaseDigest + "' is not sha256: and 64 hex digits");
    }
    pinnedAt = DocumentJson.seconds(Objects.requireNonNull(pinnedAt, "pinnedAt"));
    if (pinnedBy == null || pinnedBy.isBlank()) {
      throw new IllegalArgumentException("A pin needs the name of who pinned it");
    }
  }

  /** Returns whether the pin applies to the whole fleet rather than one device. */
  public boolean fleetWide() {
    return deviceUuid == null;
  }

  /** Returns the canonical JSON; a fleet-wide pin has {@code "deviceUuid":null}. */
  public byte[] toJson() {
    ObjectNode root = DocumentJson.newDocument(TYPE);
    root.put("fleet", fleet);
    if (deviceUuid == null) {
      root.putNull("deviceUuid");
    } else {
      root.put("deviceUuid", deviceUuid);
    }
    root.put("releaseSequence", releaseSequence);
    root.put("releaseDigest", releaseDigest);
    root.put("pinnedAt", DocumentJson.format(pinnedAt));
    root.put("pinnedBy", pinnedBy);
    return DocumentJson.write(root);
  }

  /**
   * Parses a pin.
   *
   * @throws VerificationException with {@code MALFORMED} naming the field at fault
   */
  public static PinDocument parse(byte[] json) {
    DocumentReader reader = DocumentJson.read(json, TYPE, "pin", FIELDS);
    try {
      return new PinDocument(
          reader.text("fleet"),
          reader.optionalText("deviceUuid"),
          reader.integer("releaseSequence"),
          reader.text("releaseDigest"),
          reader.instant("pinnedAt"),
          reader.text("pinnedBy"));
    } catch (IllegalArgumentException e) {
      throw reader.invalid(e.getMessage());
    }
  }

  /** Signs the pin with {@code signer}. */
  public Envelope sign(Signer signer) {
    return Dsse.sign(signer, PAYLOAD_TYPE, toJson());
  }

  /**
   * Verifies a signed pin: the signature by a key that {@code policy} trusts for the pin's claimed
   * {@code pinnedAt}, and then the pin's content.
   *
   * @throws VerificationException naming the failed check, such as {@code UNKNOWN_KEY}, {@code
   *     KEY_REVOKED}, {@code BAD_SIGNATURE} or {@code MALFORMED}
   */
  public static PinDocument verify(Envelope envelope, TrustPolicy policy, Instant now) {
    return parse(DocumentJson.verifiedPayload(envelope, PAYLOAD_TYPE, "pinnedAt", policy, now));
  }
}
