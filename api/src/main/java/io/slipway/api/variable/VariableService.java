package io.slipway.api.variable;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.device.Device;
import io.slipway.api.device.DeviceRepository;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.event.FleetTargetChanged;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads and writes fleet, service and device variables after the caller's access was checked. Every
 * write raises the target version of the fleet or device in the same transaction and, after commit,
 * publishes {@link FleetTargetChanged}. Safe for concurrent use.
 */
@Service
public class VariableService {

  private static final Logger log = LoggerFactory.getLogger(VariableService.class);

  private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

  private final VariableRepository variables;
  private final FleetRepository fleets;
  private final DeviceRepository devices;
  private final AuditLog audit;
  private final ApplicationEventPublisher events;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public VariableService(
      VariableRepository variables,
      FleetRepository fleets,
      DeviceRepository devices,
      AuditLog audit,
      ApplicationEventPublisher events,
      TransactionTemplate transactions,
      Clock clock) {
    this.variables = variables;
    this.fleets = fleets;
    this.devices = devices;
    this.audit = audit;
    this.events = events;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * The variables a request selects: a service ({@code ""} for every service) and optionally a
   * kind. Built by {@link #of}, which checks both.
   */
  public record Selector(String service, VariableKind kind) {

    /**
     * @param service a service name, or null or blank for every service
     * @param kind {@code ENV}, {@code CONFIG} or null for both
     * @throws ApiException {@code INVALID_VARIABLE} for a bad service name or kind
     */
    public static Selector of(String service, String kind) {
      String checkedService = service == null ? "" : service.strip();
      if (!checkedService.isEmpty() && !SERVICE.matcher(checkedService).matches()) {
        throw invalid(
            "Invalid service name '"
                + checkedService
                + "': use lower-case letters, digits, '.', '_' and '-', at most 63 characters");
      }
      VariableKind checkedKind = null;
      if (kind != null && !kind.isBlank()) {
        try {
          checkedKind = VariableKind.valueOf(kind.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw invalid("Invalid variable kind '" + kind + "': use ENV or CONFIG");
        }
      }
      return new Selector(checkedService, checkedKind);
    }

    boolean matches(Variable variable, boolean serviceGiven) {
      return (!serviceGiven || variable.service().equals(service))
          && (kind == null || variable.kind() == kind);
    }
  }

  /**
   * Returns the variables of {@code fleet}: all of them when the selector names no service, else
   * that service's.
   */
  public List<Variable> listFleet(Fleet fleet, Selector selector) {
    boolean serviceGiven = !selector.service().isEmpty();
    return variables.findByFleet(fleet.id()).stream()
        .filter(variable -> selector.matches(variable, serviceGiven))
        .toList();
  }

  /** Returns the overrides of {@code device}, filtered as {@link #listFleet}. */
  public List<Variable> listDevice(Device device, Selector selector) {
    boolean serviceGiven = !selector.service().isEmpty();
    return variables.findByDevice(device.id()).stream()
        .filter(variable -> selector.matches(variable, serviceGiven))
        .toList();
  }

  /**
   * Returns one fleet variable.
   *
   * @throws ApiException {@code VARIABLE_NOT_FOUND}
   */
  public Variable getFleet(Fleet fleet, String name, Selector selector) {
    VariableName variableName = parseName(name);
    return variables.findByFleet(fleet.id()).stream()
        .filter(v -> v.name().equals(variableName) && v.service().equals(selector.service()))
        .findFirst()
        .orElseThrow(() -> notFound(name, "fleet " + fleet.repositoryPrefix(), selector));
  }

  /**
   * Returns one device variable.
   *
   * @throws ApiException {@code VARIABLE_NOT_FOUND}
   */
  public Variable getDevice(Device device, String name, Selector selector) {
    VariableName variableName = parseName(name);
    return variables.findByDevice(device.id()).stream()
        .filter(v -> v.name().equals(variableName) && v.service().equals(selector.service()))
        .findFirst()
        .orElseThrow(() -> notFound(name, "device " + device.uuid(), selector));
  }

  /**
   * Sets a fleet variable.
   *
   * @return true when it was created, false when replaced
   * @throws ApiException {@code INVALID_VARIABLE} for a bad name, value, kind or a configuration
   *     variable with a service
   */
  public boolean putFleet(Identity who, Fleet fleet, String name, Selector selector, String value) {
    Variable variable = checked(name, selector, value, false);
    boolean created =
        transactions.execute(
            status -> {
              fleets.bumpTargetVersion(fleet.id());
              boolean inserted =
                  variables.putFleetVariable(
                      fleet.id(), selector.service(), variable, clock.millis());
              audit.record(
                  who,
                  "variable.set",
                  "fleet",
                  fleet.repositoryPrefix(),
                  fleet.organizationId(),
                  details(variable));
              return inserted;
            });
    publish(FleetTargetChanged.wholeFleet(fleet.id(), null, "variable.changed"));
    return created;
  }

  /**
   * Deletes a fleet variable.
   *
   * @throws ApiException {@code VARIABLE_NOT_FOUND}
   */
  public void deleteFleet(Identity who, Fleet fleet, String name, Selector selector) {
    VariableName variableName = parseName(name);
    transactions.executeWithoutResult(
        status -> {
          fleets.bumpTargetVersion(fleet.id());
          if (!variables.deleteFleetVariable(fleet.id(), selector.service(), variableName)) {
            throw notFound(name, "fleet " + fleet.repositoryPrefix(), selector);
          }
          audit.record(
              who,
              "variable.deleted",
              "fleet",
              fleet.repositoryPrefix(),
              fleet.organizationId(),
              Map.of("name", name, "service", selector.service()));
        });
    publish(FleetTargetChanged.wholeFleet(fleet.id(), null, "variable.changed"));
  }

  /** Sets a device variable; as {@link #putFleet}. */
  public boolean putDevice(
      Identity who,
      Device device,
      long organizationId,
      String name,
      Selector selector,
      String value) {
    Variable variable = checked(name, selector, value, true);
    boolean created =
        transactions.execute(
            status -> {
              devices.bumpTargetVersion(device.id());
              boolean inserted =
                  variables.putDeviceVariable(
                      device.id(), selector.service(), variable, clock.millis());
              audit.record(
                  who, "variable.set", "device", device.uuid(), organizationId, details(variable));
              return inserted;
            });
    publish(
        new FleetTargetChanged(device.fleetId(), List.of(device.uuid()), null, "variable.changed"));
    return created;
  }

  /** Deletes a device variable; as {@link #deleteFleet}. */
  public void deleteDevice(
      Identity who, Device device, long organizationId, String name, Selector selector) {
    VariableName variableName = parseName(name);
    transactions.executeWithoutResult(
        status -> {
          devices.bumpTargetVersion(device.id());
          if (!variables.deleteDeviceVariable(device.id(), selector.service(), variableName)) {
            throw notFound(name, "device " + device.uuid(), selector);
          }
          audit.record(
              who,
              "variable.deleted",
              "device",
              device.uuid(),
              organizationId,
              Map.of("name", name, "service", selector.service()));
        });
    publish(
        new FleetTargetChanged(device.fleetId(), List.of(device.uuid()), null, "variable.changed"));
  }

  /**
   * Publishes {@code event} once the write has committed. A failing listener is logged, not
   * reported to the caller, because the variable is stored and devices see it at their next poll.
   */
  private void publish(FleetTargetChanged event) {
    try {
      events.publishEvent(event);
    } catch (RuntimeException e) {
      log.warn(
          "A listener of the variable change of fleet {} (devices {}) failed",
          event.fleetId(),
          event.deviceUuids(),
          e);
    }
  }

  private static Variable checked(String name, Selector selector, String value, boolean device) {
    VariableName variableName = parseName(name);
    VariableKind kind = variableName.kind();
    if (selector.kind() != null && selector.kind() != kind) {
      throw invalid(
          "Variable '"
              + name
              + "' is of kind "
              + kind
              + ", not "
              + selector.kind()
              + ": names starting with "
              + String.join(", ", VariableKind.CONFIG_PREFIXES)
              + " are CONFIG, all others ENV");
    }
    if (kind == VariableKind.CONFIG && !selector.service().isEmpty()) {
      throw invalid(
          "Configuration variable '"
              + name
              + "' applies to the whole device, not to service '"
              + selector.service()
              + "': leave out the service parameter");
    }
    VariableValue checkedValue;
    try {
      checkedValue = new VariableValue(value);
    } catch (InvalidVariableException e) {
      throw invalid(e.getMessage());
    }
    return new Variable(
        Variable.Level.of(device, selector.service()),
        selector.service(),
        variableName,
        kind,
        checkedValue,
        0);
  }

  private static VariableName parseName(String name) {
    try {
      return new VariableName(name);
    } catch (InvalidVariableException e) {
      throw invalid(e.getMessage());
    }
  }

  private static Map<String, Object> details(Variable variable) {
    // The value is left out: variables often hold passwords.
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", variable.name().value());
    details.put("service", variable.service());
    details.put("kind", variable.kind().name());
    return details;
  }

  private static ApiException notFound(String name, String owner, Selector selector) {
    String scope = selector.service().isEmpty() ? "" : " for service '" + selector.service() + "'";
    return new ApiException(
        ErrorCode.VARIABLE_NOT_FOUND,
        "No variable '" + name + "'" + scope + " is set on " + owner + "; list them with GET");
  }

  private static ApiException invalid(String message) {
    return new ApiException(ErrorCode.INVALID_VARIABLE, message);
  }
}
