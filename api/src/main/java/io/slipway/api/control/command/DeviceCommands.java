package io.slipway.api.control.command;

import io.slipway.api.device.Device;
import io.slipway.api.identity.Identity;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Sends commands to devices over the control channel and records their outcome. Every command is
 * stored with an id, audited, and ends {@code SUCCEEDED} or {@code FAILED} when the device answers,
 * or {@code TIMED_OUT} at its deadline. Thread-safe.
 */
public interface DeviceCommands {

  /**
   * Sends {@code type} to {@code device} on behalf of {@code who}, who has already been checked for
   * the permission to control the device.
   *
   * @param service the service for service commands, else null
   * @param timeout how long the device has to answer; null for the server's default
   * @param parameters extra fields of the command message (the terminal tunnel's path and token)
   * @return the stored command, {@code PENDING}
   * @throws io.slipway.api.error.ApiException {@code CONTROL_CHANNEL_UNAVAILABLE} when the server
   *     runs without the channel, {@code CONTROL_CHANNEL_DISABLED} when it is off for the device,
   *     {@code DEVICE_NOT_CONNECTED} when the device is offline, {@code INVALID_COMMAND} for a
   *     missing or unexpected service
   */
  Command send(
      Identity who,
      Device device,
      CommandType type,
      String service,
      Duration timeout,
      Map<String, Object> parameters);

  /**
   * Waits until command {@code commandId} ends or {@code max} passes, without polling in a loop.
   *
   * @return the command as it stands when it ended or the wait ran out; empty for an unknown id
   * @throws InterruptedException when the waiting thread is interrupted
   */
  Optional<Command> await(String commandId, Duration max) throws InterruptedException;
}
