package io.slipway.agent.update;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.client.DeviceApi;
import io.slipway.agent.client.Downloader;
import io.slipway.agent.client.TargetService;
import io.slipway.agent.client.TargetState;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import io.slipway.agent.store.OciReleaseStore;
import io.slipway.agent.trust.TrustStore;
import io.slipway.delta.DeltaException;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.ImageReader;
import io.slipway.signing.release.ReleaseDocument;
import io.slipway.signing.release.ServiceImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Updater} of a device: verifies the target through {@link SignedTarget}, then brings
 * each service image into the {@link OciReleaseStore} that it lacks, by {@link DeltaFetch} from the
 * image the service runs, or by {@link FullPull} when no delta can be had or it fails. The current
 * release is never touched; the caller switches with {@link OciReleaseStore#commit}.
 *
 * <p>Not thread-safe: one update at a time, as {@link Updater} states.
 */
public final class StandardUpdater implements Updater {

  /** How long to wait in all for a delta that the server is still making. */
  public static final Duration DEFAULT_DELTA_WAIT = Duration.ofMinutes(2);

  private static final Logger LOG = LoggerFactory.getLogger(StandardUpdater.class);

  private final DeviceApi api;
  private final OciReleaseStore store;
  private final TrustStore trust;
  private final String deviceUuid;
  private final Clock clock;
  private final SignedTarget signedTarget;
  private final RegistryClient registry;
  private final DeltaFetch deltas;
  private final FullPull pulls;
  private String platform;

  /**
   * @param api the device API, authenticated with the device key
   * @param store where images and the current release live
   * @param trust the device's trusted keys
   * @param registryDownloader downloads registry blobs with resume; the updater passes the token
   * @param registry the registry's base URL (config.json's {@code registryEndpoint})
   * @param deviceUuid the device's UUID, the user name for registry tokens
   * @param deviceKey the device API key, the password for registry tokens; never logged
   * @param deltaWait how long to wait in all for a delta the server is making
   * @param clock the device's clock, for signature times and waits
   */
  public StandardUpdater(
      DeviceApi api,
      OciReleaseStore store,
      TrustStore trust,
      Downloader registryDownloader,
      URI registry,
      String deviceUuid,
      String deviceKey,
      Duration deltaWait,
      Clock clock) {
    this(
        api,
        store,
        trust,
        registryDownloader,
        registry,
        deviceUuid,
        deviceKey,
        deltaWait,
        clock,
        Objects.requireNonNull(store, "store").layout());
  }

  /**
   * Creates an updater whose deltas read their source image from {@code deltaBase} instead of the
   * store's layout, so that tests can make that read fail.
   */
  StandardUpdater(
      DeviceApi api,
      OciReleaseStore store,
      TrustStore trust,
      Downloader registryDownloader,
      URI registry,
      String deviceUuid,
      String deviceKey,
      Duration deltaWait,
      Clock clock,
      ImageContent deltaBase) {
    this.api = Objects.requireNonNull(api, "api");
    this.store = Objects.requireNonNull(store, "store");
    this.trust = Objects.requireNonNull(trust, "trust");
    this.deviceUuid = Objects.requireNonNull(deviceUuid, "deviceUuid");
    this.clock = Objects.requireNonNull(clock, "clock");
    // No redirects: one would carry the device's credentials or token to wherever it points.
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.registry =
        new RegistryClient(
            registry,
            new RegistryTokens(
                http, registry, deviceUuid, Objects.requireNonNull(deviceKey, "deviceKey"), clock),
            http);
    this.signedTarget = new SignedTarget(api, trust, deviceUuid, clock);
    this.deltas =
        new DeltaFetch(
            api, store, Objects.requireNonNull(deltaBase, "deltaBase"), clock, deltaWait);
    this.pulls = new FullPull(this.registry, registryDownloader, store);
  }

  @Override
  public Prepared prepare(TargetState target, UpdateProgress progress) throws InterruptedException {
    if (target.releaseId() == null) {
      throw new IllegalArgumentException("The target state names no release to prepare");
    }
    Optional<InstalledRelease> current = store.current();
    VerifiedTarget verified =
        signedTarget.verify(target, current.map(InstalledRelease::sequence).orElse(0L));
    ReleaseDocument document = verified.release();

    Map<String, InstalledService> services = new LinkedHashMap<>();
    Map<String, String> methods = new LinkedHashMap<>();
    Map<String, String> fallbacks = new LinkedHashMap<>();
    for (ServiceImage image : document.services()) {
      TargetService service = target.services().get(image.name());
      Digest manifest = platformManifest(image, current);
      Optional<InstalledService> running =
          current.map(release -> release.services().get(image.name()));
      methods.put(image.name(), fetch(image, manifest, running, progress, fallbacks));
      requirePlatform(image, manifest);
      services.put(image.name(), installed(service, image, manifest));
    }

    InstalledRelease release =
        new InstalledRelease(
            document.releaseId(),
            document.version(),
            document.sequence(),
            document.digest(),
            services);
    // DEBUG: while update locks hold a release back, it is prepared again at every poll.
    LOG.debug(
        "Device {} prepared release {} (version {}): {}",
        deviceUuid,
        release.releaseId(),
        release.version(),
        methods);
    return new Prepared(release, methods, fallbacks);
  }

  /** Returns the platform manifest of the service's image for this device's platform. */
  private Digest platformManifest(ServiceImage image, Optional<InstalledRelease> current)
      throws InterruptedException {
    Digest index = Digest.of(image.indexDigest());
    Optional<Digest> known =
        current.flatMap(
            release ->
                release.services().values().stream()
                    .filter(service -> service.index().equals(index))
                    .map(InstalledService::manifest)
                    .findFirst());
    if (known.isPresent()) {
      return known.get();
    }
    return IndexResolver.platformManifest(registry.manifest(image.repository(), index), platform());
  }

  /**
   * Checks the platform of a single-manifest image, whose config is the only place that names it.
   * The image is in the store by now, but no release names it, so a refusal switches nothing. NOTE:
   * the check follows the download, so an image of another platform costs its bytes once.
   */
  private void requirePlatform(ServiceImage image, Digest manifest) {
    if (!manifest.equals(Digest.of(image.indexDigest()))) {
      return; // picked from an index by the fleet's platform
    }
    Image read;
    try {
      read = ImageReader.read(store.layout(), manifest);
    } catch (DeltaException e) {
      throw new AgentException(
          AgentFailure.STORE_FAILED,
          "Reading image " + manifest + " of service " + image.name() + " failed: " + e,
          e);
    }
    IndexResolver.requirePlatform(read, image.repository(), image.name(), platform());
  }

  private String platform() {
    if (platform == null) {
      platform = api.fleet().platform();
    }
    return platform;
  }

  /**
   * Brings {@code manifest} into the store and returns how: {@code present}, {@code delta} or
   * {@code full}.
   */
  private String fetch(
      ServiceImage image,
      Digest manifest,
      Optional<InstalledService> running,
      UpdateProgress progress,
      Map<String, String> fallbacks)
      throws InterruptedException {
    if (store.contains(manifest)) {
      return "present";
    }
    String name = image.name();
    Optional<Digest> source =
        running
            .map(InstalledService::manifest)
            .filter(store::contains)
            .filter(m -> !m.equals(manifest));
    if (source.isPresent()) {
      try {
        deltas.fetch(
            source.get(),
            manifest,
            trust.trust().policy(),
            (received, total) -> progress.progress(name, "delta", received, total));
        requireComplete(image, manifest);
        return "delta";
      } catch (DeltaFetch.Unavailable e) {
        warnFallback(image, source.get(), manifest, e);
        fallbacks.put(name, e.getMessage());
      }
    }
    pulls.pull(
        image.repository(),
        manifest,
        (received, total) -> progress.progress(name, "full", received, total));
    requireComplete(image, manifest);
    return "full";
  }

  private void warnFallback(
      ServiceImage image, Digest source, Digest target, DeltaFetch.Unavailable e) {
    String message = "Device {} pulls image {}@{} of service {} whole, without a delta from {}: {}";
    if (e.unexpected()) {
      // The stack trace shows which library or class failed.
      LOG.warn(
          message,
          deviceUuid,
          image.repository(),
          target,
          image.name(),
          source,
          e.getMessage(),
          e.getCause());
      return;
    }
    LOG.warn(message, deviceUuid, image.repository(), target, image.name(), source, e.getMessage());
  }

  private void requireComplete(ServiceImage image, Digest manifest) {
    if (!store.contains(manifest)) {
      throw new AgentException(
          AgentFailure.STORE_FAILED,
          "Image "
              + image.repository()
              + "@"
              + manifest
              + " of service "
              + image.name()
              + " is incomplete in the store after it was fetched");
    }
  }

  private static InstalledService installed(
      TargetService service, ServiceImage image, Digest manifest) {
    return new InstalledService(
        image.name(),
        service.image(),
        Digest.of(image.indexDigest()),
        manifest,
        OciReleaseStore.refName(manifest),
        service.environment(),
        service.labels(),
        service.configuration());
  }
}
