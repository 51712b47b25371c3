package io.slipway.api.control.terminal;

import io.slipway.api.control.ControlProperties;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.BearerSecret;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The open terminal tunnels. Each has an id ({@code tun_} and 20 random characters) and a one-time
 * token ({@code slt_} and 32 random bytes in base64url) of which only the SHA-256 is kept; the
 * token works once, for its device and tunnel, until the dial timeout. A tunnel is removed when its
 * session ends, or when its token expires unused. At most {@value #MAX_PER_DEVICE} tunnels per
 * device and {@value #MAX_OPEN} in all are open at once. A background task ends sessions idle for
 * longer than the idle timeout. Thread-safe.
 */
@Component
public class TerminalTunnels implements DisposableBean {

  /** Most tunnels open at once for one device. */
  public static final int MAX_PER_DEVICE = 4;

  /** Most tunnels open at once on the server. */
  public static final int MAX_OPEN = 200;

  /** Prefix of one-time terminal tokens. */
  public static final String TOKEN_PREFIX = "slt_";

  private static final Logger log = LoggerFactory.getLogger(TerminalTunnels.class);

  private final Map<String, TerminalTunnel> open = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Duration dialTimeout;
  private final Duration idleTimeout;
  private final ScheduledExecutorService sweeper;

  public TerminalTunnels(ControlProperties properties, Clock clock) {
    this.clock = clock;
    this.dialTimeout = properties.terminal().dialTimeout();
    this.idleTimeout = properties.terminal().idleTimeout();
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "terminal-sweeper");
              thread.setDaemon(true);
              return thread;
            });
    long period = sweepPeriod(idleTimeout).toMillis();
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /** A tunnel just made, with the clear text of its token, which is not kept anywhere else. */
  record NewTunnel(TerminalTunnel tunnel, BearerSecret token) {}

  /**
   * Makes a tunnel for device {@code deviceUuid} whose session relays to {@code user}.
   *
   * @param onEnd called once when the session ends
   * @throws ApiException {@code TERMINAL_LIMIT_REACHED} when the device or the server has as many
   *     open tunnels as allowed
   */
  synchronized NewTunnel create(String deviceUuid, TerminalUser user, Consumer<TerminalEnd> onEnd) {
    requireRoom(deviceUuid);

    String id = "tun_" + randomText(15);
    BearerSecret token = BearerSecret.generate(TOKEN_PREFIX, random);
    TerminalBridge bridge =
        new TerminalBridge(
            id,
            deviceUuid,
            user,
            end -> {
              open.remove(id);
              onEnd.accept(end);
            });
    TerminalTunnel tunnel =
        new TerminalTunnel(
            id, deviceUuid, token.sha256Hex(), clock.instant().plus(dialTimeout), bridge);
    open.put(id, tunnel);
    return new NewTunnel(tunnel, token);
  }

  /**
   * Spends the token of tunnel {@code tunnelId} for device {@code deviceUuid}.
   *
   * @return the tunnel, now claimed
   * @throws ApiException {@code FORBIDDEN} for an unknown tunnel, another device's tunnel, or a
   *     token that is wrong, used or expired; the message does not say which
   */
  TerminalTunnel claim(String deviceUuid, String tunnelId, String token) {
    TerminalTunnel tunnel = tunnelId == null ? null : open.get(tunnelId);
    if (tunnel == null || !tunnel.claim(deviceUuid, token, clock.instant())) {
      log.warn("Device {} presented an invalid terminal token for tunnel {}", deviceUuid, tunnelId);
      throw new ApiException(
          ErrorCode.FORBIDDEN,
          "Terminal tunnel '"
              + tunnelId
              + "' does not exist for this device, or its token is wrong, used or expired: dial"
              + " only tunnels from an open-terminal command, once, before its deadline");
    }
    return tunnel;
  }

  /** Removes tunnel {@code id} and ends its session, if still open, for {@code reason}. */
  void remove(String id, String reason) {
    TerminalTunnel tunnel = open.remove(id);
    if (tunnel != null) {
      tunnel.bridge().close(reason);
    }
  }

  /**
   * Removes tunnel {@code id} of a session that failed to open; see {@link TerminalBridge#abandon}.
   */
  void discard(String id, String reason) {
    TerminalTunnel tunnel = open.remove(id);
    if (tunnel != null) {
      tunnel.bridge().abandon(reason);
    }
  }

  /** Returns how many tunnels are open now. */
  public int openCount() {
    return open.size();
  }

  /** Ends every open session when the server stops. */
  @Override
  public void destroy() {
    sweeper.shutdownNow();
    open.keySet().forEach(id -> remove(id, "the server is stopping"));
  }

  private void requireRoom(String deviceUuid) {
    if (open.size() >= MAX_OPEN) {
      throw new ApiException(
          ErrorCode.TERMINAL_LIMIT_REACHED,
          "The server has "
              + open.size()
              + " terminal sessions open, its limit: close one and try again");
    }
    long ofDevice = open.values().stream().filter(t -> t.deviceUuid().equals(deviceUuid)).count();
    if (ofDevice >= MAX_PER_DEVICE) {
      throw new ApiException(
          ErrorCode.TERMINAL_LIMIT_REACHED,
          "Device "
              + deviceUuid
              + " has "
              + ofDevice
              + " terminal sessions open, the most allowed: close one and try again");
    }
  }

  private void sweep() {
    try {
      Instant now = clock.instant();
      for (TerminalTunnel tunnel : open.values()) {
        if (tunnel.expiredUnclaimed(now)) {
          discard(tunnel.id(), "the device did not dial within " + dialTimeout.toSeconds() + " s");
        } else if (tunnel.bridge().dialed().isDone()) {
          tunnel.bridge().closeIfIdle(idleTimeout);
        }
      }
    } catch (RuntimeException e) {
      log.warn("Sweeping terminal tunnels failed; the next sweep retries", e);
    }
  }

  private String randomText(int bytes) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
  }

  /** Checks often enough to end an idle session within a tenth of the timeout. */
  private static Duration sweepPeriod(Duration idleTimeout) {
    Duration tenth = idleTimeout.dividedBy(10);
    if (tenth.compareTo(Duration.ofMillis(200)) < 0) {
      return Duration.ofMillis(200);
    }
    return tenth.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : tenth;
  }
}
