package io.slipway.agent.report;

import io.slipway.agent.client.ServiceState;
import io.slipway.agent.client.StateReport;
import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.InstalledService;
import io.slipway.agent.update.UpdateProgress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device's running release and update progress, gathered for state reports. The update thread
 * writes it; the reporter reads {@link #snapshot(Map)} from its own thread.
 *
 * <p>While a service moves to a new image its report names the image it still runs, because the
 * server offers a delta only from an image the device reports running.
 *
 * <p>Thread-safe.
 */
public final class DeviceStatus implements UpdateProgress {

  /** Maximum message length the server accepts per service, in characters. */
  static final int MAX_MESSAGE = 500;

  private final String osVersion;
  private volatile InstalledRelease current;
  private final Map<String, Download> downloads = new ConcurrentHashMap<>();
  private final Map<String, String> methods = new ConcurrentHashMap<>();
  // The last progress of the download that brought each service's running image, so the report
  // still shows how many bytes that update cost once the service runs.
  private final Map<String, Download> transfers = new ConcurrentHashMap<>();
  private final Map<String, String> messages = new ConcurrentHashMap<>();

  /** Creates the status of a device without a release; {@code osVersion} may be null. */
  public DeviceStatus(String osVersion) {
    this.osVersion = osVersion;
  }

  private record Download(String method, long downloadedBytes, long downloadSize) {}

  /** Returns the release the device runs, or empty before its first one. */
  public Optional<InstalledRelease> current() {
    return Optional.ofNullable(current);
  }

  /**
   * Records that {@code release} is now the device's release and ends every download. A service
   * whose image came by delta or full pull keeps that download's byte counts in later reports.
   *
   * @param methods per service, how its image came ({@code delta}, {@code full} or {@code
   *     present}); services missing, or whose image was present, keep what they had
   * @param fallbacks per service, why it fell back to a full pull
   */
  public void installed(
      InstalledRelease release, Map<String, String> methods, Map<String, String> fallbacks) {
    current = release;
    this.methods.keySet().retainAll(release.services().keySet());
    this.transfers.keySet().retainAll(release.services().keySet());
    this.messages.keySet().retainAll(release.services().keySet());
    methods.forEach(
        (service, method) -> {
          if (method.equals("delta") || method.equals("full")) {
            this.methods.put(service, method);
            keepTransfer(service);
          }
        });
    downloads.clear();
    release.services().keySet().forEach(messages::remove);
    fallbacks.forEach((service, reason) -> messages.put(service, shorten(reason)));
  }

  /**
   * Keeps the last progress of {@code service}'s download, or drops an older one if there is none.
   */
  private void keepTransfer(String service) {
    Download download = downloads.get(service);
    if (download == null) {
      transfers.remove(service);
    } else {
      transfers.put(service, download);
    }
  }

  @Override
  public void progress(String service, String method, long downloadedBytes, long downloadSize) {
    downloads.put(service, new Download(method, downloadedBytes, downloadSize));
  }

  /**
   * Records that an update of {@code services} failed: their downloads end and each carries {@code
   * message} until the next update of it.
   */
  public void failed(Collection<String> services, String message) {
    downloads.clear();
    String shortened = shorten(message);
    services.forEach(service -> messages.put(service, shortened));
  }

  /** Records that the engine runs {@code services} again: their failure messages end. */
  public void recovered(Collection<String> services) {
    services.forEach(messages::remove);
  }

  /**
   * Returns the report to send now.
   *
   * @param engineStatus each service's container status as the engine returns it, such as {@code
   *     running}; services without a container are absent
   */
  public StateReport snapshot(Map<String, String> engineStatus) {
    InstalledRelease release = current;
    Map<String, ServiceState> services = new HashMap<>();
    if (release != null) {
      release
          .services()
          .values()
          .forEach(service -> services.put(service.name(), running(service, engineStatus)));
    }
    downloads.forEach((name, download) -> services.put(name, downloading(name, download, release)));
    // A service the device does not run yet, on a first boot or new in the target, still carries
    // its failure, so the server shows why the update stalls.
    messages.forEach(
        (name, message) -> services.merge(name, failed(message), DeviceStatus::withMessage));
    return new StateReport(release == null ? null : release.releaseId(), services, osVersion);
  }

  private ServiceState running(InstalledService service, Map<String, String> engineStatus) {
    Download transfer = transfers.get(service.name());
    return new ServiceState(
        reportedStatus(engineStatus.get(service.name())),
        service.index().value(),
        transfer == null ? null : transfer.downloadedBytes(),
        transfer == null ? null : sizeOrNull(transfer),
        methods.get(service.name()),
        null);
  }

  private static Long sizeOrNull(Download download) {
    return download.downloadSize() < 0 ? null : download.downloadSize();
  }

  private static ServiceState downloading(
      String name, Download download, InstalledRelease release) {
    String runs = null;
    if (release != null && release.services().containsKey(name)) {
      runs = release.services().get(name).index().value();
    }
    return new ServiceState(
        "downloading",
        runs,
        download.downloadedBytes(),
        sizeOrNull(download),
        download.method(),
        null);
  }

  private static ServiceState failed(String message) {
    return new ServiceState("failed", null, null, null, null, message);
  }

  /** Returns {@code state} carrying the message of {@code failure}. */
  private static ServiceState withMessage(ServiceState state, ServiceState failure) {
    return new ServiceState(
        state.status(),
        state.image(),
        state.downloadedBytes(),
        state.downloadSize(),
        state.updateMethod(),
        failure.message());
  }

  /**
   * Maps a Docker container state, or a runner's {@code installing} or {@code failed}, to a status
   * the server accepts: {@code created} is still installing, {@code restarting} and {@code paused}
   * count as exited, {@code dead} and unknown states as failed, and a missing container as
   * installing.
   */
  static String reportedStatus(String engineStatus) {
    if (engineStatus == null) {
      return "installing";
    }
    return switch (engineStatus) {
      case "running" -> "running";
      case "created", "installing" -> "installing";
      case "exited", "restarting", "paused" -> "exited";
      default -> "failed";
    };
  }

  private static String shorten(String message) {
    if (message == null || message.length() <= MAX_MESSAGE) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE - 3) + "...";
  }
}
