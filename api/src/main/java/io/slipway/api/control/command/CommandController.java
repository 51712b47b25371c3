package io.slipway.api.control.command;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.device.Device;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Commands to devices over the control channel: {@code POST|GET /api/v1/devices/{uuid}/commands},
 * {@code GET /api/v1/devices/{uuid}/commands/{id}} and {@code POST
 * /api/v1/orgs/{org}/fleets/{fleet}/commands}. Every endpoint takes {@link
 * Permission#DEVICE_CONTROL}. The request is checked before the channel, so a malformed request is
 * {@code 400} whatever state the channel is in.
 */
@RestController
class CommandController {

  private final AccessControl access;
  private final CommandService commands;
  private final FleetCommands fleetCommands;
  private final HeldCommandReads heldReads;

  CommandController(
      AccessControl access,
      CommandService commands,
      FleetCommands fleetCommands,
      HeldCommandReads heldReads) {
    this.access = access;
    this.commands = commands;
    this.fleetCommands = fleetCommands;
    this.heldReads = heldReads;
  }

  /**
   * Body of both {@code POST}s: {@code {"type": "restart-service", "service": "web", "timeout":
   * "PT30S"}}; {@code service} only for service commands, {@code timeout} PT1S to PT10M.
   */
  record SendCommand(String type, String service, String timeout) {}

  @PostMapping("/api/v1/devices/{uuid}/commands")
  @ResponseStatus(HttpStatus.ACCEPTED)
  CommandView send(
      Identity who, @PathVariable String uuid, @RequestBody(required = false) SendCommand body) {
    Device device = access.requireDevice(who, uuid, Permission.DEVICE_CONTROL);
    SendCommand request = requireBody(body);
    CommandType type = CommandRules.requestedType(request.type());
    CommandRules.requireService(type, request.service());
    Duration timeout = CommandRules.timeout(request.timeout());

    return CommandView.of(commands.send(who, device, type, request.service(), timeout, Map.of()));
  }

  @GetMapping("/api/v1/devices/{uuid}/commands/{id}")
  DeferredResult<CommandView> get(
      Identity who,
      @PathVariable String uuid,
      @PathVariable String id,
      @RequestParam(required = false) String wait) {
    Device device = access.requireDevice(who, uuid, Permission.DEVICE_CONTROL);
    Duration waitTime = CommandRules.waitTime(wait);
    Command command = commands.find(device, id).orElseThrow(() -> notFound(device, id));
    if (command.status() != Command.Status.PENDING || waitTime.isZero()) {
      return HeldCommandReads.answered(command);
    }

    return heldReads.hold(who, command, waitTime);
  }

  @GetMapping("/api/v1/devices/{uuid}/commands")
  List<CommandView> list(
      Identity who, @PathVariable String uuid, @RequestParam(defaultValue = "50") int limit) {
    Device device = access.requireDevice(who, uuid, Permission.DEVICE_CONTROL);
    return commands.latest(device, CommandRules.limit(limit)).stream()
        .map(CommandView::of)
        .toList();
  }

  @PostMapping("/api/v1/orgs/{org}/fleets/{fleet}/commands")
  @ResponseStatus(HttpStatus.ACCEPTED)
  BatchView sendToFleet(
      Identity who,
      @PathVariable String org,
      @PathVariable String fleet,
      @RequestBody(required = false) SendCommand body) {
    Fleet target = access.requireFleet(who, org, fleet, Permission.DEVICE_CONTROL);
    SendCommand request = requireBody(body);
    CommandType type = CommandRules.fleetType(request.type());
    CommandRules.requireService(type, request.service());
    Duration timeout = CommandRules.timeout(request.timeout());

    return BatchView.of(fleetCommands.send(who, target, type, timeout));
  }

  private static SendCommand requireBody(SendCommand body) {
    if (body == null) {
      throw new ApiException(
          ErrorCode.INVALID_COMMAND,
          "The request has no body: send {\"type\": \"reboot\"} or another command");
    }
    return body;
  }

  private static ApiException notFound(Device device, String id) {
    return new ApiException(
        ErrorCode.COMMAND_NOT_FOUND,
        "Device "
            + device.uuid()
            + " has no command '"
            + id
            + "'; list its commands with GET /api/v1/devices/"
            + device.uuid()
            + "/commands");
  }
}
