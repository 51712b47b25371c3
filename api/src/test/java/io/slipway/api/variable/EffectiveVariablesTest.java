package io.slipway.api.variable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EffectiveVariablesTest {

  private static Variable fleet(String service, String name, String value) {
    return variable(false, service, name, value);
  }

  private static Variable device(String service, String name, String value) {
    return variable(true, service, name, value);
  }

  private static Variable variable(boolean device, String service, String name, String value) {
    VariableName variableName = new VariableName(name);
    return new Variable(
        Variable.Level.of(device, service),
        service,
        variableName,
        variableName.kind(),
        new VariableValue(value),
        0);
  }

  @Test
  void deviceAndServiceWinsOverEveryOtherLevel() {
    EffectiveVariables effective =
        new EffectiveVariables(
            List.of(
                device("app", "MODE", "device-service"),
                fleet("", "MODE", "fleet"),
                device("", "MODE", "device"),
                fleet("app", "MODE", "fleet-service")));

    assertThat(effective.environmentOf("app")).containsEntry("MODE", "device-service");
  }

  @Test
  void deviceWinsOverFleetAndService() {
    EffectiveVariables effective =
        new EffectiveVariables(
            List.of(fleet("app", "MODE", "fleet-service"), device("", "MODE", "device")));

    assertThat(effective.environmentOf("app")).containsEntry("MODE", "device");
  }

  @Test
  void fleetAndServiceWinsOverFleet() {
    EffectiveVariables effective =
        new EffectiveVariables(
            List.of(fleet("app", "MODE", "fleet-service"), fleet("", "MODE", "fleet")));

    assertThat(effective.environmentOf("app")).containsEntry("MODE", "fleet-service");
  }

  @Test
  void serviceVariableStaysWithItsService() {
    EffectiveVariables effective =
        new EffectiveVariables(List.of(fleet("app", "MODE", "x"), device("app", "LEVEL", "y")));

    assertThat(effective.environmentOf("db")).isEmpty();
  }

  @Test
  void configVariablesAreKeptOutOfTheEnvironment() {
    EffectiveVariables effective =
        new EffectiveVariables(
            List.of(fleet("", "SLIPWAY_POLL_INTERVAL", "60"), fleet("", "MODE", "x")));

    assertThat(effective.environmentOf("app")).containsOnlyKeys("MODE");
  }

  @Test
  void deviceConfigOverridesFleetConfig() {
    EffectiveVariables effective =
        new EffectiveVariables(
            List.of(
                device("", "SLIPWAY_POLL_INTERVAL", "10"),
                fleet("", "SLIPWAY_POLL_INTERVAL", "60")));

    assertThat(effective.config())
        .containsExactlyEntriesOf(java.util.Map.of("SLIPWAY_POLL_INTERVAL", "10"));
  }
}
