package io.slipway.api.release;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.event.FleetTargetChanged;
import io.slipway.api.event.ReleaseSucceeded;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import io.slipway.api.targetstate.TargetChangeEvents;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates releases and carries them to a final status; the entry point for builds, prebuilt deploys
 * and the HTTP API alike. Callers check access first; this service checks the release.
 *
 * <p>Life cycle: {@link #create} stores a release with status {@code RUNNING}; while it runs,
 * {@link #putServices} sets the image, environment and labels of its services and {@link
 * #appendLog} adds build log lines; {@link #finish} makes it {@code SUCCESS} or {@code FAILED}. A
 * final release is immutable: every later change fails with {@code RELEASE_FINAL}. A release may
 * finish {@code SUCCESS} only with at least one service, each with an image pinned by digest.
 *
 * <p>Safe for concurrent use. Each change locks the release's row with a conditional update on its
 * status before it writes, so two concurrent finishes have exactly one winner and no service or log
 * line lands in a release after it became final.
 *
 * <p>Finishing a release {@code SUCCESS} bumps its fleet's target version; when the fleet tracks
 * its latest release, that is a target change, audited as {@code fleet.target.changed} and
 * published as {@link FleetTargetChanged} after commit.
 *
 * <p>Every release must be signed before it finishes {@code SUCCESS}. Builds and deploys run the
 * release hooks, which sign, before they call {@link #change} or {@link #finish}. The release API
 * finishes through {@link ApiReleaseFinisher}: {@link #prepareSuccess} stores the services, {@link
 * ReleaseHooks} sign, and {@link #finishSigned} finishes, each step in its own transaction.
 */
@Service
public class ReleaseService {

  /** Maximum number of services in one release. */
  public static final int MAX_SERVICES = 64;

  /** Maximum number of build log lines in one call of {@link #appendLog}. */
  public static final int MAX_LOG_LINES_PER_CALL = 1000;

  /** Longest stored build log line; longer lines are cut and marked. */
  public static final int MAX_LOG_LINE_LENGTH = 8192;

  private static final Logger log = LoggerFactory.getLogger(ReleaseService.class);
  private static final int VERSION_ATTEMPTS = 5;

  private final ReleaseRepository releases;
  private final BuildLogRepository buildLogs;
  private final FleetRepository fleets;
  private final AuditLog audit;
  private final TargetChangeEvents events;
  private final Clock clock;
  private final RegistryImages images;
  private final ObjectProvider<ReleaseSignatures> signatures;
  private final ApplicationEventPublisher publisher;

  public ReleaseService(
      ReleaseRepository releases,
      BuildLogRepository buildLogs,
      FleetRepository fleets,
      AuditLog audit,
      TargetChangeEvents events,
      Clock clock,
      RegistryImages images,
      ObjectProvider<ReleaseSignatures> signatures,
      ApplicationEventPublisher publisher) {
    this.images = images;
    this.publisher = publisher;
    this.signatures = signatures;
    this.releases = releases;
    this.buildLogs = buildLogs;
    this.fleets = fleets;
    this.audit = audit;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Creates a release of {@code fleet} with status {@code RUNNING}, created by {@code actor}. A
   * release without a version gets the next patch version after the highest one of the fleet, or
   * {@code 0.0.1} for the fleet's first.
   *
   * @throws ApiException {@code VERSION_TAKEN} when the fleet already has the requested version
   */
  public Release create(Identity actor, Fleet fleet, NewRelease request) {
    long id = insert(actor, fleet, request);
    Release release = require(id);
    audit.record(
        actor,
        "release.created",
        "release",
        String.valueOf(id),
        fleet.organizationId(),
        details(fleet, release));
    log.info(
        "Release {} ({}) of fleet {} created by {} from {}",
        id,
        release.version(),
        fleet.repositoryPrefix(),
        actor.subject(),
        request.source());
    return release;
  }

  /**
   * Fails early when {@code fleet} already has {@code version}, so that a caller with slow checks
   * to run learns it before doing them. {@link #create} still checks again, atomically.
   *
   * @param version the requested version, or null for the next patch version, which is never taken
   * @throws ApiException {@code VERSION_TAKEN} naming the fleet and version
   */
  public void requireVersionFree(Fleet fleet, SemanticVersion version) {
    if (version == null) {
      return;
    }
    if (releases.versionsOf(fleet.id()).contains(version.text())) {
      throw versionTaken(fleet, version.text());
    }
  }

  /**
   * Returns a release.
   *
   * @throws ApiException {@code RELEASE_NOT_FOUND} when there is none with that id
   */
  public Release require(long releaseId) {
    return releases.findById(releaseId).orElseThrow(() -> notFound(releaseId));
  }

  /** Returns a release, if it exists. */
  public Optional<Release> find(long releaseId) {
    return releases.findById(releaseId);
  }

  /**
   * Returns a release with its services and the summary of its signature, if it has one; see {@link
   * #require} for errors.
   */
  public ReleaseView view(long releaseId) {
    Release release = require(releaseId);
    SignatureSummary signature =
        signatures.stream()
            .map(lookup -> lookup.summaryOf(releaseId))
            .flatMap(Optional::stream)
            .findFirst()
            .orElse(null);
    return new ReleaseView(release, releases.findServices(releaseId), signature);
  }

  /**
   * Returns up to {@code limit} releases of a fleet, newest first, with ids below {@code beforeId}.
   */
  public List<Release> list(long fleetId, long beforeId, int limit) {
    return releases.findByFleet(fleetId, beforeId, limit);
  }

  /**
   * Sets services of a running release: each of {@code services} replaces the service of its name,
   * and each name in {@code removed} is taken out. Each image must lie in the fleet's repository of
   * its service.
   *
   * @return the release with all its services
   * @throws ApiException {@code RELEASE_FINAL} when the release is final; {@code INVALID_SERVICE}
   *     or {@code INVALID_IMAGE_REFERENCE} naming the service at fault
   */
  @Transactional
  public ReleaseView putServices(
      long releaseId, List<ReleaseServiceImage> services, Set<String> removed) {
    Release release = lockRunning(releaseId);
    Fleet fleet = fleetOf(release);
    for (ReleaseServiceImage service : services) {
      requireInFleet(fleet, service);
      images.requireOwnHost(service);
    }

    for (String name : removed) {
      releases.removeService(releaseId, name);
    }
    for (ReleaseServiceImage service : services) {
      releases.putService(releaseId, service);
    }

    List<ReleaseServiceImage> all = releases.findServices(releaseId);
    if (all.size() > MAX_SERVICES) {
      throw new ApiException(
          ErrorCode.INVALID_SERVICE,
          "Release "
              + releaseId
              + " would have "
              + all.size()
              + " services, more than "
              + MAX_SERVICES
              + "; split the application into fewer services");
    }
    return new ReleaseView(release, all);
  }

  /**
   * Sets and removes services as {@link #putServices} does, then finishes the release as {@link
   * #finish} does when {@code status} is not null, all in one transaction: a refused finish leaves
   * the services as they were. It runs no release hooks, so a caller that finishes {@code SUCCESS}
   * must have signed the release first.
   *
   * @param status {@code SUCCESS}, {@code FAILED}, or null to leave the release running
   * @return the release with all its services after the change
   * @throws ApiException as {@link #putServices} and {@link #finish} do
   */
  @Transactional
  public ReleaseView change(
      Identity actor,
      long releaseId,
      List<ReleaseServiceImage> services,
      Set<String> removed,
      ReleaseStatus status) {
    if (!services.isEmpty() || !removed.isEmpty()) {
      putServices(releaseId, services, removed);
    }
    if (status != null) {
      finish(actor, releaseId, status);
    }
    return view(releaseId);
  }

  /**
   * Appends build log lines to a running release. A line holding line breaks is split at them; a
   * line longer than {@value #MAX_LOG_LINE_LENGTH} characters is cut and marked.
   *
   * @throws ApiException {@code RELEASE_FINAL} when the release is final; {@code
   *     INVALID_REQUEST_BODY} for more than {@value #MAX_LOG_LINES_PER_CALL} lines
   */
  @Transactional
  public void appendLog(long releaseId, List<String> lines) {
    appendEntries(
        releaseId, lines.stream().filter(line -> line != null).map(BuildLogEntry::of).toList());
  }

  /**
   * Appends build log lines that name their service and platform to a running release, as {@link
   * #appendLog} does.
   *
   * @throws ApiException as {@link #appendLog} does
   */
  @Transactional
  public void appendEntries(long releaseId, List<BuildLogEntry> entries) {
    List<BuildLogEntry> split = splitLines(entries);
    if (split.size() > MAX_LOG_LINES_PER_CALL) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Got "
              + split.size()
              + " build log lines for release "
              + releaseId
              + "; send at most "
              + MAX_LOG_LINES_PER_CALL
              + " per request");
    }
    lockRunning(releaseId);
    buildLogs.append(releaseId, split, clock.millis());
  }

  /**
   * Returns up to {@code limit} build log lines of a release after the line {@code afterId}.
   *
   * @throws ApiException {@code RELEASE_NOT_FOUND} when the release does not exist
   */
  public List<BuildLogLine> logs(long releaseId, long afterId, int limit) {
    require(releaseId);
    return buildLogs.find(releaseId, afterId, limit);
  }

  /**
   * Makes a running release final. Of concurrent calls for one release exactly one succeeds; the
   * others fail with {@code RELEASE_FINAL}.
   *
   * @param status {@code SUCCESS} or {@code FAILED}
   * @throws ApiException {@code RELEASE_FINAL} when the release is already final; {@code
   *     RELEASE_INCOMPLETE} for {@code SUCCESS} without services or with a service lacking its
   *     image; {@code INVALID_REQUEST_BODY} for status {@code RUNNING}
   */
  @Transactional
  public Release finish(Identity actor, long releaseId, ReleaseStatus status) {
    if (!status.isFinal()) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "Release " + releaseId + " can only finish as SUCCESS or FAILED, not " + status);
    }
    Release running = lockRunning(releaseId);
    if (status == ReleaseStatus.SUCCESS) {
      requireComplete(releaseId);
    }
    return markFinal(actor, running, status);
  }

  /**
   * Sets and removes services as {@link #putServices} does and checks that the release could finish
   * {@code SUCCESS}, in one transaction, without finishing it. A release that could not finish
   * keeps its services as they were. A caller checks this before slow work such as signing; {@link
   * #finishSigned} checks again.
   *
   * @return all services of the release after the change
   * @throws ApiException as {@link #putServices} does; {@code RELEASE_FINAL} and {@code
   *     RELEASE_INCOMPLETE} as {@link #finish} does; {@code INVALID_IMAGE_REFERENCE} for an image
   *     that names this server but was not pushed
   */
  @Transactional
  public List<ReleaseServiceImage> prepareSuccess(
      long releaseId, List<ReleaseServiceImage> services, Set<String> removed) {
    if (!services.isEmpty() || !removed.isEmpty()) {
      putServices(releaseId, services, removed);
    }
    lockRunning(releaseId);
    requireComplete(releaseId);
    return releases.findServices(releaseId);
  }

  /**
   * Finishes a running release {@code SUCCESS} as {@link #finish} does, provided its services still
   * have the images of {@code signed}, the services that the release hooks signed.
   *
   * @throws ApiException as {@link #finish} does, and {@code CONFLICT} when a service, or its
   *     image, changed since the hooks ran, so that the signature does not describe the release
   */
  @Transactional
  public Release finishSigned(Identity actor, long releaseId, List<ReleaseServiceImage> signed) {
    Release running = lockRunning(releaseId);
    requireComplete(releaseId);
    if (!imagesOf(releases.findServices(releaseId)).equals(imagesOf(signed))) {
      throw new ApiException(
          ErrorCode.CONFLICT,
          "The services of release "
              + releaseId
              + " changed while it was being signed, so it stays RUNNING; send status SUCCESS"
              + " again to sign and finish it as it is now");
    }
    return markFinal(actor, running, ReleaseStatus.SUCCESS);
  }

  private static Map<String, String> imagesOf(List<ReleaseServiceImage> services) {
    Map<String, String> images = new TreeMap<>();
    for (ReleaseServiceImage service : services) {
      images.put(service.service(), String.valueOf(service.image()));
    }
    return images;
  }

  private Release markFinal(Identity actor, Release running, ReleaseStatus status) {
    long releaseId = running.id();
    releases.finish(releaseId, status, clock.millis());
    Release finished = require(releaseId);
    Fleet fleet = fleetOf(running);
    audit.record(
        actor,
        "release.finished",
        "release",
        String.valueOf(releaseId),
        fleet.organizationId(),
        details(fleet, finished));
    log.info(
        "Release {} ({}) of fleet {} finished {}",
        releaseId,
        finished.version(),
        fleet.repositoryPrefix(),
        status);
    if (status == ReleaseStatus.SUCCESS) {
      announceSuccess(actor, fleet, finished);
      publisher.publishEvent(new ReleaseSucceeded(fleet.id(), releaseId));
    }
    return finished;
  }

  // Bumped even when the fleet is pinned: a concurrent switch to tracking must not keep a cached
  // state that lacks this release.
  private void announceSuccess(Identity actor, Fleet fleet, Release release) {
    fleets.bumpTargetVersion(fleet.id());
    Fleet current = fleets.findById(fleet.id()).orElse(fleet);
    if (!current.trackLatest()) {
      return;
    }
    Map<String, Object> details = details(fleet, release);
    details.put("trackLatest", true);
    details.put("reason", "release.finished");
    audit.record(
        actor,
        "fleet.target.changed",
        "fleet",
        fleet.repositoryPrefix(),
        fleet.organizationId(),
        details);
    events.publishAfterCommit(
        FleetTargetChanged.wholeFleet(fleet.id(), release.id(), "release.finished"));
  }

  private long insert(Identity actor, Fleet fleet, NewRelease request) {
    if (request.version() != null) {
      try {
        return releases.insert(
            fleet.id(),
            request.source(),
            request.sourceCommit(),
            request.version().text(),
            actor.subject(),
            clock.millis());
      } catch (DuplicateKeyException e) {
        throw versionTaken(fleet, request.version().text());
      }
    }
    // Two creators may pick the same next version; the unique constraint sends one round again.
    for (int attempt = 1; ; attempt++) {
      String version = nextVersion(fleet.id()).text();
      try {
        return releases.insert(
            fleet.id(),
            request.source(),
            request.sourceCommit(),
            version,
            actor.subject(),
            clock.millis());
      } catch (DuplicateKeyException e) {
        if (attempt >= VERSION_ATTEMPTS) {
          throw versionTaken(fleet, version);
        }
      }
    }
  }

  /** Returns the version after the highest of a fleet, or {@code 0.0.1} for its first release. */
  SemanticVersion nextVersion(long fleetId) {
    SemanticVersion highest = null;
    for (String text : releases.versionsOf(fleetId)) {
      SemanticVersion version = parseStored(text);
      if (version != null && (highest == null || version.compareTo(highest) > 0)) {
        highest = version;
      }
    }
    return highest == null ? SemanticVersion.FIRST : highest.nextPatch();
  }

  private Release lockRunning(long releaseId) {
    if (!releases.lockRunning(releaseId)) {
      throw finalRelease(require(releaseId));
    }
    return require(releaseId);
  }

  static ApiException finalRelease(Release release) {
    return new ApiException(
        ErrorCode.RELEASE_FINAL,
        "Release "
            + release.id()
            + " ("
            + release.version()
            + ") is final with status "
            + release.status()
            + " and cannot change; create a new release instead");
  }

  private void requireComplete(long releaseId) {
    List<ReleaseServiceImage> services = releases.findServices(releaseId);
    if (services.isEmpty()) {
      throw new ApiException(
          ErrorCode.RELEASE_INCOMPLETE,
          "Release "
              + releaseId
              + " has no services and cannot finish SUCCESS; set at least one service with an"
              + " image by digest first, or finish it FAILED");
    }
    for (ReleaseServiceImage service : services) {
      images.requirePushed(releaseId, service);
      if (!service.hasImage()) {
        throw new ApiException(
            ErrorCode.RELEASE_INCOMPLETE,
            "Service '"
                + service.service()
                + "' of release "
                + releaseId
                + " has no image and the release cannot finish SUCCESS; set its image by"
                + " digest first, or finish it FAILED");
      }
    }
  }

  private static void requireInFleet(Fleet fleet, ReleaseServiceImage service) {
    if (!service.hasImage()) {
      return;
    }
    try {
      service.image().requireRepository(fleet.organizationSlug(), fleet.slug(), service.service());
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_IMAGE_REFERENCE, e.getMessage());
    }
  }

  private Fleet fleetOf(Release release) {
    return fleets
        .findById(release.fleetId())
        .orElseThrow(
            () ->
                new ApiException(
                    ErrorCode.FLEET_NOT_FOUND,
                    "The fleet of release " + release.id() + " no longer exists"));
  }

  private static List<BuildLogEntry> splitLines(List<BuildLogEntry> entries) {
    List<BuildLogEntry> split = new ArrayList<>();
    for (BuildLogEntry entry : entries) {
      for (String part : entry.text().split("\r?\n", -1)) {
        split.add(new BuildLogEntry(entry.service(), entry.platform(), cut(part)));
      }
    }
    return split;
  }

  private static String cut(String line) {
    if (line.length() <= MAX_LOG_LINE_LENGTH) {
      return line;
    }
    return line.substring(0, MAX_LOG_LINE_LENGTH) + " [cut at " + MAX_LOG_LINE_LENGTH + "]";
  }

  // Versions stored before validation existed may not parse; they take no part in numbering.
  private static SemanticVersion parseStored(String text) {
    try {
      return new SemanticVersion(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Map<String, Object> details(Fleet fleet, Release release) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fleet", fleet.repositoryPrefix());
    details.put("releaseId", release.id());
    details.put("version", release.version());
    details.put("status", release.status().name());
    return details;
  }

  private static ApiException versionTaken(Fleet fleet, String version) {
    return new ApiException(
        ErrorCode.VERSION_TAKEN,
        "Fleet "
            + fleet.repositoryPrefix()
            + " already has a release with version "
            + version
            + "; choose another version, or leave it out to get the next patch version");
  }

  static ApiException notFound(long releaseId) {
    return new ApiException(
        ErrorCode.RELEASE_NOT_FOUND,
        "Release "
            + releaseId
            + " does not exist or you are not a member of its fleet's organization; check the id"
            + " in the fleet's release list");
  }
}
