package io.slipway.api.control.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded broker's memory of device credentials. It keeps the SHA-256 of each admitted
 * device's key, so that a storm of reconnects does not reach the database. It also keeps the
 * devices revoked since start, which no key lets in until they are admitted again. Thread-safe.
 */
final class AdmittedDevices {

  private final Map<String, byte[]> keyHashes = new ConcurrentHashMap<>();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();

  /** Remembers {@code key} as device {@code uuid}'s credential and lifts any revocation. */
  void admit(String uuid, String key) {
    keyHashes.put(uuid, sha256(key));
    revoked.remove(uuid);
  }

  /**
   * Remembers a key that the control plane has just accepted, unless the device was revoked
   * meanwhile.
   */
  void remember(String uuid, String key) {
    if (!revoked.contains(uuid)) {
      keyHashes.put(uuid, sha256(key));
    }
  }

  /** Forgets device {@code uuid}'s credential and rejects it until {@link #admit}. */
  void revoke(String uuid) {
    revoked.add(uuid);
    keyHashes.remove(uuid);
  }

  /**
   * Lifts the revocation of device {@code uuid} without remembering a key, so that its next CONNECT
   * is decided by the device admission, which checks the stored key and the channel switches.
   */
  void readmit(String uuid) {
    revoked.remove(uuid);
  }

  boolean isRevoked(String uuid) {
    return revoked.contains(uuid);
  }

  /** Returns whether {@code key} is the remembered credential of device {@code uuid}. */
  boolean matches(String uuid, String key) {
    byte[] known = keyHashes.get(uuid);
    return known != null && MessageDigest.isEqual(known, sha256(key));
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }
}
