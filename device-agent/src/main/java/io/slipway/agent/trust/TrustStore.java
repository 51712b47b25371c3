package io.slipway.agent.trust;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.AtomicFiles;
import io.slipway.signing.SigningException;
import io.slipway.signing.VerificationException;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustPolicyDocument;
import io.slipway.signing.trust.TrustUpdate;
import io.slipway.signing.trust.TrustedKey;
import io.slipway.signing.trust.VersionedTrustPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The keys the device trusts, the version of the signed key list they came from, and the {@code
 * issuedAt} of the last target state the device accepted, kept in {@code DATA/trust.json}.
 *
 * <p>Without the file, the keys are the PEM public keys of config.json's {@code trustedKeys} at
 * version 0. From then on only a signed key list moves them forward, through {@link
 * TrustUpdate#apply}. When the device has no key at all, the first key list it receives is taken on
 * trust ({@link TrustUpdate#trustOnFirstUse}) with a WARN, because any party that responds to that
 * first request, genuine or not, then decides the device's keys.
 *
 * <p>Every change is written with {@link AtomicFiles#write} before it is returned, so a crash never
 * leaves the device trusting less than it had accepted, nor accepting a replayed state.
 * Thread-safe.
 */
public final class TrustStore {

  private static final Logger LOG = LoggerFactory.getLogger(TrustStore.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path file;
  private VersionedTrustPolicy trust;
  private Instant lastStateIssuedAt;

  private TrustStore(Path file, VersionedTrustPolicy trust, Instant lastStateIssuedAt) {
    this.file = file;
    this.trust = trust;
    this.lastStateIssuedAt = lastStateIssuedAt;
  }

  /**
   * Opens the trust state in {@code file}, or seeds it from {@code provisionedKeys} when the file
   * does not exist yet.
   *
   * @param provisionedKeys PEM public keys from config.json; may be empty
   * @throws AgentException {@code INVALID_CONFIG} when a provisioned key is not a PEM public key;
   *     {@code STORE_FAILED} when the file cannot be read or parsed
   */
  public static TrustStore open(Path file, List<String> provisionedKeys) {
    Objects.requireNonNull(file, "file");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new TrustStore(file, new VersionedTrustPolicy(seed(provisionedKeys), 0), null);
    } catch (IOException e) {
      throw failed("Reading " + file + " failed: " + e, e);
    }
    try {
      JsonNode root = JSON.readTree(bytes);
      JsonNode keyList = root.required("keyList");
      JsonNode issuedAt = root.path("lastStateIssuedAt");
      TrustPolicyDocument document = TrustPolicyDocument.parse(JSON.writeValueAsBytes(keyList));
      return new TrustStore(
          file,
          new VersionedTrustPolicy(document.toPolicy(), document.version()),
          issuedAt.isString() ? Instant.parse(issuedAt.asString()) : null);
    } catch (RuntimeException e) {
      // JacksonException, VerificationException (MALFORMED) and DateTimeParseException alike.
      // Fatal on purpose: falling back to config.json's keys could trust keys revoked since.
      throw failed(
          file
              + " is not a valid trust file ("
              + e.getMessage()
              + "); the agent will not fall back to the keys of config.json, which may have"
              + " been revoked since. Restore "
              + file
              + " from a backup, or delete it to trust the keys of config.json again once you"
              + " have checked that they are current",
          e);
    }
  }

  private static TrustPolicy seed(List<String> pems) {
    List<TrustedKey> keys = new ArrayList<>();
    for (int i = 0; i < pems.size(); i++) {
      try {
        keys.add(TrustedKey.active(PemKeys.parsePublicKey(pems.get(i)), Instant.EPOCH));
      } catch (SigningException | IllegalArgumentException e) {
        throw new AgentException(
            AgentFailure.INVALID_CONFIG,
            "trustedKeys["
                + i
                + "] of config.json is not a PEM public key: "
                + e.getMessage()
                + "; write the server's public keys there or leave the list empty",
            e);
      }
    }
    return TrustPolicy.of(keys);
  }

  /** Returns the keys the device trusts and their key list version. */
  public synchronized VersionedTrustPolicy trust() {
    return trust;
  }

  /** Returns whether the device trusts any key yet. */
  public synchronized boolean hasKeys() {
    return !trust.policy().keys().isEmpty();
  }

  /** Returns the {@code issuedAt} of the last accepted target state, or null before the first. */
  public synchronized Instant lastStateIssuedAt() {
    return lastStateIssuedAt;
  }

  /**
   * Applies a signed key list and stores the result. A device without keys takes it on trust.
   *
   * @param keyList the DSSE envelope of the key list as the server sent it
   * @return the keys the device trusts now
   * @throws VerificationException when the list is not signed by a trusted key, is older than the
   *     held one, or lifts a revocation (see {@link TrustUpdate#apply})
   * @throws AgentException {@code STORE_FAILED} when the result cannot be stored; the device then
   *     keeps its old keys
   */
  public synchronized VersionedTrustPolicy apply(Envelope keyList, Instant now) {
    VersionedTrustPolicy updated;
    if (!hasKeys()) {
      LOG.warn(
          "The device trusts no key yet, so it takes the server's key list on first use; whoever"
              + " answered this request chose its keys. Provision trustedKeys in config.json to"
              + " avoid this");
      updated = TrustUpdate.trustOnFirstUse(keyList, now);
    } else {
      updated = TrustUpdate.apply(trust.policy(), trust.version(), keyList, now);
    }
    if (updated.version() != trust.version()) {
      write(updated, lastStateIssuedAt, now);
      LOG.info("Trusting key list version {} (was {})", updated.version(), trust.version());
    }
    trust = updated;
    return updated;
  }

  /**
   * Records that the device accepted a target state issued at {@code issuedAt}, so an older one is
   * rejected as replayed from now on, also after a restart.
   *
   * @throws AgentException {@code STORE_FAILED} when it cannot be stored
   */
  public synchronized void acceptState(Instant issuedAt, Instant now) {
    if (lastStateIssuedAt != null && !issuedAt.isAfter(lastStateIssuedAt)) {
      return;
    }
    write(trust, issuedAt, now);
    lastStateIssuedAt = issuedAt;
  }

  private void write(VersionedTrustPolicy policy, Instant stateIssuedAt, Instant now) {
    if (policy.version() < 1) {
      // NOTE: keys from config.json alone are not written: they are read from it again at start.
      return;
    }
    ObjectNode root = JSON.createObjectNode();
    TrustPolicyDocument document = TrustPolicyDocument.of(policy.version(), now, policy.policy());
    root.set("keyList", JSON.readTree(document.toJson()));
    if (stateIssuedAt == null) {
      root.putNull("lastStateIssuedAt");
    } else {
      root.put("lastStateIssuedAt", stateIssuedAt.toString());
    }
    try {
      AtomicFiles.write(file, JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw failed("Writing " + file + " failed: " + e, e);
    }
  }

  private static AgentException failed(String message, Exception cause) {
    return new AgentException(AgentFailure.STORE_FAILED, message, cause);
  }
}
