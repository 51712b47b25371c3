package io.slipway.api.control.channel;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.slipway.api.access.AccessControl;
import io.slipway.api.control.broker.ControlBroker;
import io.slipway.api.control.broker.ControlBrokerException;
import io.slipway.api.control.broker.DeviceEndpoint;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.error.UnauthorizedException;
import io.slipway.api.identity.Authenticator;
import io.slipway.api.identity.Identity;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /device/v1/{uuid}/control-channel}, with the device's own key: whether the device
 * should hold a connection to the control channel and where to. When the channel is on, the call
 * also admits the device to the broker with the key it presented, so that an external broker learns
 * the current key.
 */
@RestController
class DeviceChannelController {

  /** MQTT keep-alive interval sent to devices, in seconds. */
  static final int KEEP_ALIVE_SECONDS = 60;

  private static final Logger log = LoggerFactory.getLogger(DeviceChannelController.class);

  private final AccessControl access;
  private final ChannelSettings settings;
  private final ObjectProvider<ControlBroker> broker;
  private final Clock clock;

  DeviceChannelController(
      AccessControl access,
      ChannelSettings settings,
      ObjectProvider<ControlBroker> broker,
      Clock clock) {
    this.access = access;
    this.settings = settings;
    this.broker = broker;
    this.clock = clock;
  }

  /**
   * The response sent to the device. Fields that do not apply are left out.
   *
   * @param enabled whether the device should connect
   * @param until when the device's own setting lapses, milliseconds since the epoch
   * @param url where to connect
   * @param caCertificate the PEM certificate to trust for {@code url}, when it is private
   * @param keepAliveSeconds MQTT keep-alive interval
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record DeviceChannelAnswer(
      boolean enabled, Long until, String url, String caCertificate, Integer keepAliveSeconds) {

    static DeviceChannelAnswer off(Long until) {
      return new DeviceChannelAnswer(false, until, null, null, null);
    }
  }

  @GetMapping("/device/v1/{uuid}/control-channel")
  DeviceChannelAnswer get(Identity who, @PathVariable String uuid, HttpServletRequest request) {
    Device device = access.requireOwnDevice(who, uuid);
    ControlBroker available = settings.serverEnabled() ? broker.getIfAvailable() : null;
    if (available == null) {
      return DeviceChannelAnswer.off(null);
    }

    long now = clock.millis();
    ChannelSetting setting = settings.settingOf(device);
    Long until = setting.overrideActive(now) ? setting.until() : null;
    if (!setting.effective(true, now)) {
      return DeviceChannelAnswer.off(until);
    }

    String key =
        Authenticator.presentedSecret(request)
            .orElseThrow(
                () ->
                    new UnauthorizedException(
                        "A device key is required: send 'Authorization: Bearer <device key>'"));
    try {
      available.admit(device.uuid(), key);
    } catch (ControlBrokerException e) {
      log.warn("Failed to admit device {} to the broker: {}", device.uuid(), e.getMessage());
      throw new ApiException(
          ErrorCode.CONTROL_CHANNEL_UNAVAILABLE,
          "The control channel's broker did not accept device "
              + device.uuid()
              + " right now: keep the channel closed and ask again at the next poll");
    }
    DeviceEndpoint endpoint = available.deviceEndpoint();
    return new DeviceChannelAnswer(
        true, until, endpoint.url().toString(), endpoint.caCertificatePem(), KEEP_ALIVE_SECONDS);
  }
}
