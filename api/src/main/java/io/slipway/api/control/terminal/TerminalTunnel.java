package io.slipway.api.control.terminal;

import io.slipway.api.identity.BearerSecret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A tunnel waiting for, or carrying, one terminal session of one device. It keeps only the SHA-256
 * of its one-time token. Thread-safe.
 */
final class TerminalTunnel {

  private final String id;
  private final String deviceUuid;
  private final String tokenHash;
  private final Instant dialDeadline;
  private final TerminalBridge bridge;
  private final AtomicBoolean claimed = new AtomicBoolean();

  /**
   * @param id public id, {@code tun_} and random characters
   * @param deviceUuid the device that may dial it
   * @param tokenHash SHA-256 of the token, 64 lower-case hex digits
   * @param dialDeadline after this instant the token no longer works
   * @param bridge the session it carries
   */
  TerminalTunnel(
      String id, String deviceUuid, String tokenHash, Instant dialDeadline, TerminalBridge bridge) {
    this.id = id;
    this.deviceUuid = deviceUuid;
    this.tokenHash = tokenHash;
    this.dialDeadline = dialDeadline;
    this.bridge = bridge;
  }

  String id() {
    return id;
  }

  String deviceUuid() {
    return deviceUuid;
  }

  TerminalBridge bridge() {
    return bridge;
  }

  /** Returns true when the token expired unused as of {@code now}. */
  boolean expiredUnclaimed(Instant now) {
    return !claimed.get() && now.isAfter(dialDeadline);
  }

  /**
   * Spends the token: true only for the first call with the right device and token before the
   * deadline. The token is compared through its hash in constant time.
   */
  boolean claim(String uuid, String token, Instant now) {
    if (!deviceUuid.equals(uuid) || token == null || now.isAfter(dialDeadline)) {
      return false;
    }
    byte[] presented = BearerSecret.sha256Hex(token).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(presented, tokenHash.getBytes(StandardCharsets.US_ASCII))) {
      return false;
    }
    return claimed.compareAndSet(false, true);
  }
}
