package io.slipway.agent.run;

import io.slipway.agent.AgentException;
import io.slipway.agent.client.ControlChannelSettings;
import io.slipway.agent.client.LogLine;
import io.slipway.agent.client.StateReport;
import io.slipway.agent.client.TargetState;
import io.slipway.agent.client.ThrowingDeviceApi;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for the server's device API, which cannot run inside the device-agent module: serves
 * one target state with ETag semantics and records the polls and reports it receives. The calls the
 * loop never makes (signed documents, deltas) belong to the updater and throw.
 */
final class StandInDeviceApi extends ThrowingDeviceApi {

  final AtomicReference<TargetState> target = new AtomicReference<>();
  final List<String> polledWithEtag = new CopyOnWriteArrayList<>();
  final List<StateReport> reports = new CopyOnWriteArrayList<>();
  final List<String> events;
  volatile AgentException reportFailure;

  /** What {@link #controlChannel()} throws, or null to return a disabled setting. */
  volatile RuntimeException controlChannelFailure;

  StandInDeviceApi(List<String> events) {
    this.events = events;
  }

  @Override
  public Optional<TargetState> targetState(String etag) {
    polledWithEtag.add(String.valueOf(etag));
    events.add("poll");
    TargetState state = target.get();
    if (state == null || Objects.equals(state.etag(), etag)) {
      return Optional.empty();
    }
    return Optional.of(state);
  }

  @Override
  public void reportState(StateReport report) {
    if (reportFailure != null) {
      throw reportFailure;
    }
    reports.add(report);
    events.add("report");
  }

  @Override
  public ControlChannelSettings controlChannel() {
    events.add("control-channel");
    if (controlChannelFailure != null) {
      throw controlChannelFailure;
    }
    return ControlChannelSettings.DISABLED;
  }

  @Override
  public void sendLogs(List<LogLine> lines) {}

  @Override
  public void updateSelf(String osVersion) {}
}
