package io.slipway.agent.client;

import io.slipway.delta.image.Digest;
import java.util.List;
import java.util.Optional;

/**
 * A base for stand-ins of the device API in unit tests, where the server cannot run: every call
 * throws until a subclass overrides the ones under test.
 */
public abstract class ThrowingDeviceApi implements DeviceApi {

  @Override
  public void reportState(StateReport report) {
    throw new UnsupportedOperationException("reportState");
  }

  @Override
  public void sendLogs(List<LogLine> lines) {
    throw new UnsupportedOperationException("sendLogs");
  }

  @Override
  public Registered register(String provisioningKey, Registration registration) {
    throw new UnsupportedOperationException("register");
  }

  @Override
  public Optional<TargetState> targetState(String etag) {
    throw new UnsupportedOperationException("targetState");
  }

  @Override
  public FleetInfo fleet() {
    throw new UnsupportedOperationException("fleet");
  }

  @Override
  public byte[] signedTargetState() {
    throw new UnsupportedOperationException("signedTargetState");
  }

  @Override
  public byte[] signedKeyList() {
    throw new UnsupportedOperationException("signedKeyList");
  }

  @Override
  public Optional<byte[]> releaseSignature(long releaseId) {
    throw new UnsupportedOperationException("releaseSignature");
  }

  @Override
  public void updateSelf(String osVersion) {
    throw new UnsupportedOperationException("updateSelf");
  }

  @Override
  public DeltaOffer delta(Digest from, Digest to) {
    throw new UnsupportedOperationException("delta");
  }

  @Override
  public Downloader payloads() {
    throw new UnsupportedOperationException("payloads");
  }

  @Override
  public ControlChannelSettings controlChannel() {
    throw new UnsupportedOperationException("controlChannel");
  }
}
