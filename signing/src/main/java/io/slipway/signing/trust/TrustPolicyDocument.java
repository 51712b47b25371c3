package io.slipway.signing.trust;

import io.slipway.signing.Signer;
import io.slipway.signing.SigningException;
import io.slipway.signing.VerificationException;
import io.slipway.signing.document.DocumentJson;
import io.slipway.signing.document.DocumentReader;
import io.slipway.signing.dsse.Dsse;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.key.PemKeys;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server's key list as a signed document, so that a device can tell an authentic change of its
 * trusted keys from one made up by an attacker who serves the key endpoint. Each change to the keys
 * gets a higher {@code version}. The document is signed by every key that may sign or vouch at the
 * time (the active key and the standby keys), so a device that knows any one of them can follow the
 * change; {@link TrustUpdate} applies it. Immutable; signed as a DSSE envelope of {@link
 * #PAYLOAD_TYPE} with several signatures.
 *
 * <p>Instants are cut to whole seconds in the strict direction: {@code validFrom} is rounded up,
 * {@code validUntil} and {@code retiredAt} down, so the document never trusts a key for longer than
 * the keys it was made of.
 *
 * @param version the key list's version, 1 or more; higher for every change of the keys
 * @param issuedAt when the server signed the list, cut to whole seconds
 * @param keys every key, revoked and retired ones included, in the server's order (oldest first)
 */
public record TrustPolicyDocument(long version, Instant issuedAt, List<TrustedKey> keys) {

  /** The document's {@code _type}. */
  public static final String TYPE = "https://slipway.io/trust-policy/v1";

  /** The DSSE payload type of signed trust policies. */
  public static final String PAYLOAD_TYPE = "application/vnd.slipway.trust-policy.v1+json";

  private static final Set<String> FIELDS = Set.of("version", "issuedAt", "keys");
  private static final Set<String> KEY_FIELDS =
      Set.of("hint", "algorithm", "publicKey", "validFrom", "validUntil", "retiredAt", "revoked");

  /**
   * Cuts the instants to whole seconds as described above.
   *
   * @throws IllegalArgumentException naming the value when the version is below 1, there is no key,
   *     or two keys share a hint
   */
  public TrustPolicyDocument {
    if (version < 1) {
      throw new IllegalArgumentException("Trust policy version " + version + " must be 1 or more");
    }
    issuedAt = DocumentJson.seconds(Objects.requireNonNull(issuedAt, "issuedAt"));
    keys = keys.stream().map(TrustPolicyDocument::inWholeSeconds).toList();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("Trust policy version " + version + " lists no key");
    }
    TrustPolicy.of(keys);
  }

  /** Returns the document of {@code policy}'s keys at {@code version}. */
  public static TrustPolicyDocument of(long version, Instant issuedAt, TrustPolicy policy) {
    return new TrustPolicyDocument(version, issuedAt, List.copyOf(policy.keys()));
  }

  /** Returns the keys as a policy a device verifies with. */
  public TrustPolicy toPolicy() {
    return TrustPolicy.of(keys);
  }

  /** Returns the canonical JSON; public keys are base64 of their DER SubjectPublicKeyInfo. */
  public byte[] toJson() {
    ObjectNode root = DocumentJson.newDocument(TYPE);
    root.put("version", version);
    root.put("issuedAt", DocumentJson.format(issuedAt));
    ArrayNode list = root.putArray("keys");
    for (TrustedKey key : keys) {
      ObjectNode node = list.addObject();
      node.put("hint", key.hint().value());
      node.put("algorithm", key.algorithm().name());
      node.put("publicKey", Base64.getEncoder().encodeToString(key.publicKey().getEncoded()));
      node.put("validFrom", DocumentJson.format(key.validFrom()));
      putInstant(node, "validUntil", key.validUntil());
      putInstant(node, "retiredAt", key.retiredAt());
      node.put("revoked", key.revoked());
    }
    return DocumentJson.write(root);
  }

  /**
   * Parses a trust policy document. Each key's hint must be the hint of its public key and its
   * algorithm the key's algorithm.
   *
   * @throws VerificationException with {@code MALFORMED} naming the field at fault
   */
  public static TrustPolicyDocument parse(byte[] json) {
    DocumentReader reader = DocumentJson.read(json, TYPE, "trust policy", FIELDS);
    List<TrustedKey> keys = reader.objects("keys", TrustPolicyDocument::key);
    try {
      return new TrustPolicyDocument(reader.integer("version"), reader.instant("issuedAt"), keys);
    } catch (IllegalArgumentException e) {
      throw reader.invalid(e.getMessage());
    }
  }

  /**
   * Signs the document with each of {@code signers}, which should be every key that may sign or
   * vouch now.
   *
   * @throws IllegalArgumentException when {@code signers} is empty or names a key twice
   */
  public Envelope sign(List<? extends Signer> signers) {
    if (signers.isEmpty()) {
      throw new IllegalArgumentException("Trust policy version " + version + " needs a signer");
    }
    return Dsse.signAll(signers, PAYLOAD_TYPE, toJson());
  }

  private static TrustedKey key(DocumentReader reader) {
    reader.requireOnly(KEY_FIELDS);
    KeyAlgorithm algorithm;
    try {
      algorithm = KeyAlgorithm.valueOf(reader.text("algorithm"));
    } catch (IllegalArgumentException e) {
      throw reader.invalid("algorithm is neither ECDSA_P256 nor ED25519");
    }
    try {
      return new TrustedKey(
          new KeyHint(reader.text("hint")),
          PemKeys.parsePublicKeyDer(Base64.getDecoder().decode(reader.text("publicKey"))),
          algorithm,
          reader.instant("validFrom"),
          reader.optionalInstant("validUntil"),
          reader.optionalInstant("retiredAt"),
          reader.bool("revoked"));
    } catch (IllegalArgumentException | SigningException e) {
      throw reader.invalid(e.getMessage());
    }
  }

  private static TrustedKey inWholeSeconds(TrustedKey key) {
    Instant validFrom = key.validFrom();
    Instant roundedFrom = validFrom.truncatedTo(ChronoUnit.SECONDS);
    if (roundedFrom.isBefore(validFrom)) {
      roundedFrom = roundedFrom.plusSeconds(1);
    }
    return new TrustedKey(
        key.hint(),
        key.publicKey(),
        key.algorithm(),
        roundedFrom,
        DocumentJson.seconds(key.validUntil()),
        DocumentJson.seconds(key.retiredAt()),
        key.revoked());
  }

  private static void putInstant(ObjectNode node, String field, Instant instant) {
    if (instant == null) {
      node.putNull(field);
    } else {
      node.put(field, DocumentJson.format(instant));
    }
  }
}
