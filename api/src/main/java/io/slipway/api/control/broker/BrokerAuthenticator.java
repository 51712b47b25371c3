package io.slipway.api.control.broker;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every CONNECT to the embedded broker and grants the topic permissions of {@link
 * BrokerPermissions}, with DENY for everything else. The server's user must present the secret of
 * this start. Any other user name is a device UUID whose password is its device key, checked first
 * against {@link AdmittedDevices} and then, off the network thread, against {@link
 * DeviceAdmission}. A device's client id must equal its user name. Thread-safe.
 */
final class BrokerAuthenticator implements SimpleAuthenticator {

  /** The server's own user name on the embedded broker. */
  static final String SERVER_USER = "slipway-server";

  private static final Logger log = LoggerFactory.getLogger(BrokerAuthenticator.class);

  /** Device UUIDs become topic levels, so they must hold no MQTT wildcard or separator. */
  private static final Pattern DEVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private static final Duration ADMISSION_TIMEOUT = Duration.ofSeconds(10);

  private final byte[] serverSecret;
  private final AdmittedDevices admitted;
  private final DeviceAdmission admission;
  private final Executor executor;

  /**
   * @param serverSecret the server user's password for this start
   * @param admitted the remembered credentials and revocations
   * @param admission the control plane's decision for devices not remembered
   * @param executor where admission runs, so that a database query does not block network threads
   */
  BrokerAuthenticator(
      String serverSecret, AdmittedDevices admitted, DeviceAdmission admission, Executor executor) {
    this.serverSecret = serverSecret.getBytes(StandardCharsets.UTF_8);
    this.admitted = admitted;
    this.admission = admission;
    this.executor = executor;
  }

  @Override
  public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
    ConnectPacket connect = input.getConnectPacket();
    String user = connect.getUserName().orElse("");
    String password = connect.getPassword().map(BrokerAuthenticator::utf8).orElse("");
    String clientId = connect.getClientId();

    if (SERVER_USER.equals(user)) {
      authenticateServer(clientId, password, output);
      return;
    }
    if (!DEVICE_NAME.matcher(user).matches()) {
      log.warn("Rejected MQTT client '{}' with user name '{}': not a device UUID", clientId, user);
      output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "client id");
      return;
    }
    if (!user.equals(clientId)) {
      log.warn(
          "Rejected MQTT client '{}' with user name '{}': a device's client id must equal its"
              + " user name",
          clientId,
          user);
      output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "client id");
      return;
    }
    if (admitted.isRevoked(user)) {
      reject(user, "revoked", output);
      return;
    }
    if (admitted.matches(user, password)) {
      grantDevice(user, output);
      return;
    }
    askAdmission(user, password, output);
  }

  private void authenticateServer(String clientId, String password, SimpleAuthOutput output) {
    boolean secretMatches =
        MessageDigest.isEqual(serverSecret, password.getBytes(StandardCharsets.UTF_8));
    if (!secretMatches || !clientId.startsWith(SERVER_USER)) {
      log.warn(
          "Rejected MQTT client '{}' as the server's user: wrong secret or client id", clientId);
      output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad credentials");
      return;
    }
    ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
    permissions.addAll(BrokerPermissions.server());
    permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
    output.authenticateSuccessfully();
  }

  private void askAdmission(String uuid, String key, SimpleAuthOutput output) {
    Async<SimpleAuthOutput> async =
        output.async(ADMISSION_TIMEOUT, TimeoutFallback.FAILURE, ConnackReasonCode.NOT_AUTHORIZED);
    executor.execute(
        () -> {
          try {
            decide(uuid, key, output);
          } catch (RuntimeException e) {
            log.error("Device admission failed for device {}, so the broker rejects it", uuid, e);
            output.failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE, "admission failed");
          } finally {
            async.resume();
          }
        });
  }

  private void decide(String uuid, String key, SimpleAuthOutput output) {
    if (!admission.admits(uuid, key)) {
      reject(uuid, "not admitted", output);
      return;
    }
    admitted.remember(uuid, key);
    // A revoke may have raced with the query, and the revoke wins.
    if (admitted.isRevoked(uuid)) {
      reject(uuid, "revoked", output);
      return;
    }
    grantDevice(uuid, output);
  }

  private void grantDevice(String uuid, SimpleAuthOutput output) {
    ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
    permissions.addAll(BrokerPermissions.device(uuid));
    permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
    output.authenticateSuccessfully();
  }

  private static void reject(String uuid, String reason, SimpleAuthOutput output) {
    log.info("Rejected device {} on the control broker: {}", uuid, reason);
    output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad credentials");
  }

  private static String utf8(ByteBuffer buffer) {
    ByteBuffer copy = buffer.asReadOnlyBuffer();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
