package io.slipway.api.registry.gc;

import io.slipway.api.access.AccessControl;
import io.slipway.api.error.BadRequestException;
import io.slipway.api.identity.Identity;
import io.slipway.registry.Registry;
import io.slipway.registry.gc.GcOptions;
import io.slipway.registry.gc.GcReport;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Runs the registry's garbage collection inside the server process, where the lock that keeps
 * collection safe beside pushes in flight lives. Only server administrators may call it.
 *
 * <p>{@code POST /api/v1/registry/garbage-collection?dryRun=true&gracePeriod=PT1H&deleteUntagged=
 * false}; every parameter is optional. The response body is the report as JSON.
 *
 * <p>The caller is authenticated before any parameter is read, so a request without credentials
 * learns nothing about which values the endpoint accepts. A malformed parameter is a {@code 400}
 * naming the parameter and its value.
 */
@RestController
public class GarbageCollectionController {

  private static final Logger log = LoggerFactory.getLogger(GarbageCollectionController.class);

  private final Registry registry;
  private final AccessControl access;

  public GarbageCollectionController(Registry registry, AccessControl access) {
    this.registry = registry;
    this.access = access;
  }

  /** The report as sent: digests as strings, durations in milliseconds. */
  public record GcReportBody(
      boolean dryRun,
      int manifestsKept,
      int manifestsDeleted,
      int blobsScanned,
      List<String> blobsDeleted,
      long bytesFreed,
      int uploadsExpired,
      long tookMillis,
      String summary) {

    static GcReportBody of(GcReport report) {
      return new GcReportBody(
          report.dryRun(),
          report.manifestsMarked(),
          report.manifestsDeleted(),
          report.blobsScanned(),
          report.blobsDeleted().stream().map(Object::toString).toList(),
          report.bytesFreed(),
          report.uploadsExpired(),
          report.took().toMillis(),
          report.summary());
    }
  }

  @PostMapping("/api/v1/registry/garbage-collection")
  GcReportBody collect(
      Identity who,
      @RequestParam(required = false) String dryRun,
      @RequestParam(required = false) String gracePeriod,
      @RequestParam(required = false) String deleteUntagged) {
    access.requireServerAdmin(who);

    // Taken as text and parsed here, after authentication: Spring's own conversion would fail
    // before the credentials are checked.
    GcOptions options =
        GcOptions.defaults()
            .withDryRun(parseFlag("dryRun", dryRun))
            .withDeleteUntagged(parseFlag("deleteUntagged", deleteUntagged))
            .withGracePeriod(parseGracePeriod(gracePeriod));

    GcReport report = registry.garbageCollector().run(options);
    log.info("Garbage collection requested by '{}': {}", who.subject(), report.summary());
    return GcReportBody.of(report);
  }

  /** Parses {@code true} or {@code false}. An absent parameter is {@code false}. */
  private static boolean parseFlag(String name, String text) {
    if (text == null || text.equals("false")) {
      return false;
    }
    if (text.equals("true")) {
      return true;
    }
    throw new BadRequestException(
        "INVALID_PARAMETER",
        "Invalid value '"
            + text
            + "' for parameter '"
            + name
            + "': write "
            + name
            + "=true or "
            + name
            + "=false");
  }

  /** Maximum grace period; longer ones overflow the collector's time arithmetic. */
  private static final Duration MAX_GRACE_PERIOD = Duration.ofDays(36_500);

  private static Duration parseGracePeriod(String text) {
    if (text == null) {
      return GcOptions.DEFAULT_GRACE_PERIOD;
    }
    try {
      Duration period = Duration.parse(text);
      if (period.isNegative() || period.compareTo(MAX_GRACE_PERIOD) > 0) {
        throw new DateTimeParseException("out of range", text, 0);
      }
      return period;
    } catch (DateTimeParseException e) {
      throw new BadRequestException(
          "INVALID_GRACE_PERIOD",
          "Grace period '"
              + text
              + "' is not an ISO-8601 duration from zero to 100 years; use for example PT1H or"
              + " PT10M");
    }
  }
}
