package io.slipway.agent.update;

import com.sun.net.httpserver.HttpServer;
import io.slipway.agent.client.DeltaOffer;
import io.slipway.agent.client.Downloader;
import io.slipway.agent.client.FleetInfo;
import io.slipway.agent.client.ThrowingDeviceApi;
import io.slipway.delta.image.Digest;
import io.slipway.signing.dsse.EnvelopeJson;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.state.TargetRelease;
import io.slipway.signing.state.TargetStateDocument;
import io.slipway.signing.trust.TrustPolicyDocument;
import io.slipway.signing.trust.TrustedKey;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Stands in for the server's device API in updater tests. The real server cannot run in this module
 * (its modules may not be on a device's class path), so this class returns signed documents made
 * with a {@link LocalSigner} directly, and serves delta payloads from a directory over a JDK {@link
 * HttpServer} on 127.0.0.1, which the real downloader fetches. Only the methods the updater calls
 * are implemented, and the others throw. Not thread-safe.
 */
final class DeviceApiStandIn extends ThrowingDeviceApi implements AutoCloseable {

  static final String FLEET = "acme/gateways";

  final LocalSigner signer;
  final String deviceUuid;
  private final Downloader downloader;
  private final HttpServer payloadServer;
  private final Path payloadDir;
  private final Map<Long, byte[]> releaseBundles = new HashMap<>();
  private TargetRelease target;
  private Instant issuedAt = Instant.now().minusSeconds(60);
  private BiFunction<Digest, Digest, DeltaOffer> deltas = (from, to) -> new DeltaOffer.Full("off");
  private String platform = "linux/amd64";

  DeviceApiStandIn(LocalSigner signer, String deviceUuid, Downloader downloader, Path payloadDir)
      throws IOException {
    this.signer = signer;
    this.deviceUuid = deviceUuid;
    this.downloader = downloader;
    this.payloadDir = Files.createDirectories(payloadDir);
    this.payloadServer =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    payloadServer.createContext(
        "/payloads/",
        exchange -> {
          Path file = payloadDir.resolve(exchange.getRequestURI().getPath().substring(10));
          byte[] body = Files.readAllBytes(file);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    payloadServer.start();
  }

  /** Names {@code release} in the next signed target state, issued a second after the last. */
  void target(TargetRelease release) {
    this.target = release;
    this.issuedAt = issuedAt.plusSeconds(1);
  }

  void releaseBundle(long releaseId, byte[] bundle) {
    releaseBundles.put(releaseId, bundle);
  }

  void deltas(BiFunction<Digest, Digest, DeltaOffer> deltas) {
    this.deltas = deltas;
  }

  /** Stores {@code payload} for download and returns its URL. */
  URI payload(byte[] payload) throws IOException {
    String name = Digest.of(payload).hex();
    Files.write(payloadDir.resolve(name), payload);
    InetSocketAddress address = payloadServer.getAddress();
    return URI.create("http://127.0.0.1:" + address.getPort() + "/payloads/" + name);
  }

  @Override
  public byte[] signedTargetState() {
    TargetStateDocument state =
        new TargetStateDocument(
            deviceUuid, FLEET, issuedAt, issuedAt.plusSeconds(3600), 1, target, null);
    return EnvelopeJson.write(state.sign(signer));
  }

  @Override
  public byte[] signedKeyList() {
    TrustedKey key = TrustedKey.active(signer.publicKey(), Instant.now().minusSeconds(3600));
    return EnvelopeJson.write(
        new TrustPolicyDocument(1, Instant.now(), List.of(key)).sign(List.of(signer)));
  }

  @Override
  public Optional<byte[]> releaseSignature(long releaseId) {
    return Optional.ofNullable(releaseBundles.get(releaseId));
  }

  @Override
  public FleetInfo fleet() {
    return new FleetInfo("acme", "gateways", "genericx86-64", "X86_64", platform);
  }

  /** Sets the fleet's platform that {@link #fleet} reports; null when the server has none. */
  void platform(String platform) {
    this.platform = platform;
  }

  @Override
  public DeltaOffer delta(Digest from, Digest to) {
    return deltas.apply(from, to);
  }

  @Override
  public Downloader payloads() {
    return downloader;
  }

  @Override
  public void close() {
    payloadServer.stop(0);
  }
}
