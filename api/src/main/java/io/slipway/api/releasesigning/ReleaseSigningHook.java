package io.slipway.api.releasesigning;

import io.slipway.api.audit.AuditLog;
import io.slipway.api.build.ServerRegistryAccess;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.fleet.FleetRepository;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.Release;
import io.slipway.api.release.ReleaseService;
import io.slipway.api.signature.SignatureLayouts;
import io.slipway.builder.BuildLog;
import io.slipway.builder.pipeline.BuiltService;
import io.slipway.builder.pipeline.ReleaseHook;
import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.signing.Signer;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.keystore.SigningKeyStore;
import io.slipway.signing.release.ReleaseDocument;
import io.slipway.signing.release.ServiceImage;
import io.slipway.signing.simplesigning.SimpleSignature;
import io.slipway.signing.simplesigning.SimpleSigning;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Signs every release before it becomes {@code SUCCESS}, whether a build, a deploy or the release
 * API finishes it:
 *
 * <ol>
 *   <li>each service's image index and every manifest it lists, in both signature layouts (a
 *       Sigstore bundle as a referrer and a classic simple signature);
 *   <li>the release document, which lists each service's index digest and carries the fleet's next
 *       release sequence, as a bundle stored with the release;
 *   <li>the release document as an OCI artifact at {@code ORG/FLEET:release-SEQUENCE}, with the
 *       bundle as its referrer and a classic simple signature of its manifest.
 * </ol>
 *
 * <p>Each failure throws with a message that names the image or document, so the release does not
 * finish unsigned; the caller that fails the release, or returns the API error, logs it. Running
 * the hook again for a signed release, as a restarted build does, keeps the stored release document
 * and its sequence and writes the registry again, unless the release now has other services: then
 * it signs a new document with the next sequence. Safe for concurrent use.
 *
 * <p>It runs after the other hooks, so a release that another hook fails is not signed.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
public class ReleaseSigningHook implements ReleaseHook {

  /** How long the builder secret of one signing run lives. */
  static final Duration SECRET_LIFETIME = Duration.ofMinutes(30);

  /** The limit of each registry request, from sending to the end of the headers. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(ReleaseSigningHook.class);
  private static final Identity ACTOR = Identity.system("release-signing");

  private final ReleaseService releases;
  private final FleetRepository fleets;
  private final ServerRegistryAccess access;
  private final SigningKeyStore keys;
  private final ImageSigner images;
  private final SignatureLayouts layouts;
  private final SignatureRecorder recorder;
  private final AuditLog audit;
  private final Clock clock;

  public ReleaseSigningHook(
      ReleaseService releases,
      FleetRepository fleets,
      ServerRegistryAccess access,
      SigningKeyStore keys,
      ImageSigner images,
      SignatureLayouts layouts,
      SignatureRecorder recorder,
      AuditLog audit,
      Clock clock) {
    this.releases = releases;
    this.fleets = fleets;
    this.access = access;
    this.keys = keys;
    this.images = images;
    this.layouts = layouts;
    this.recorder = recorder;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public void afterPush(long releaseId, List<BuiltService> services, BuildLog buildLog) {
    Release release = releases.require(releaseId);
    Fleet fleet = fleetOf(release);
    Signer signer = keys.activeSigner();
    RegistryClient client =
        access.client(fleet.repositoryPrefix(), SECRET_LIFETIME, REQUEST_TIMEOUT);
    String host = access.imageHost();
    // Signed documents state whole seconds, so the stored time equals the one inside them.
    Instant signedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);

    int manifests = 0;
    for (BuiltService service : services) {
      manifests += signImage(client, signer, host, release, fleet, service, signedAt).size();
    }

    ReleaseSignature signature =
        recorder.record(
            releaseId,
            fleet.id(),
            serviceImages(services),
            sequence -> signDocument(signer, release, fleet, services, sequence, signedAt));
    Descriptor artifact = publish(client, signer, host, release, fleet, signature, signedAt);

    buildLog.line(
        "Signed "
            + manifests
            + " manifests and release document "
            + signature.documentDigest()
            + " with key "
            + signature.keyHint());
    audit.record(
        ACTOR,
        "release.signed",
        "release",
        String.valueOf(releaseId),
        fleet.organizationId(),
        details(fleet, release, signature, artifact, manifests));
    log.info(
        "Release {} ({}) of fleet {} signed: sequence {}, document {}, artifact {}, {} manifests,"
            + " key {}",
        releaseId,
        release.version(),
        fleet.repositoryPrefix(),
        signature.sequence(),
        signature.documentDigest(),
        artifact.digest(),
        manifests,
        signature.keyHint());
  }

  private List<String> signImage(
      RegistryClient client,
      Signer signer,
      String host,
      Release release,
      Fleet fleet,
      BuiltService service,
      Instant signedAt) {
    try {
      return images.sign(
          client,
          signer,
          keys.trustPolicy(),
          host,
          service.repository(),
          service.indexDigest(),
          signedAt);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Signing image "
              + service.repository()
              + "@"
              + service.indexDigest()
              + " of service '"
              + service.name()
              + "' failed: "
              + e.getMessage(),
          e);
    }
  }

  private static ReleaseSignature signDocument(
      Signer signer,
      Release release,
      Fleet fleet,
      List<BuiltService> services,
      long sequence,
      Instant signedAt) {
    ReleaseDocument document =
        new ReleaseDocument(
            fleet.repositoryPrefix(),
            release.id(),
            release.version(),
            sequence,
            signedAt,
            serviceImages(services));
    Bundle bundle = BundleSigner.signStatement(signer, document.toStatement());
    return new ReleaseSignature(
        release.id(),
        fleet.id(),
        sequence,
        document.toJson(),
        document.digest(),
        bundle.toJson(),
        signer.hint().value(),
        signedAt);
  }

  private static List<ServiceImage> serviceImages(List<BuiltService> services) {
    return services.stream()
        .sorted(Comparator.comparing(BuiltService::name))
        .map(
            service ->
                new ServiceImage(service.name(), service.repository(), service.indexDigest()))
        .toList();
  }

  /** Pushes the release artifact and attaches both signature layouts to its manifest. */
  private Descriptor publish(
      RegistryClient client,
      Signer signer,
      String host,
      Release release,
      Fleet fleet,
      ReleaseSignature signature,
      Instant signedAt) {
    String repository = fleet.repositoryPrefix();
    try {
      ReleaseArtifact artifact =
          ReleaseArtifact.of(
              signature.document(),
              ReleaseDocument.MEDIA_TYPE,
              Map.of(
                  ReleaseArtifact.VERSION_ANNOTATION,
                  release.version(),
                  ReleaseArtifact.SEQUENCE_ANNOTATION,
                  String.valueOf(signature.sequence())));
      Descriptor pushed =
          artifact.push(client, repository, ReleaseArtifact.tag(signature.sequence()));
      layouts.attachBundle(client, repository, pushed, signature.bundle());
      SimpleSignature simple =
          SimpleSigning.sign(signer, host + "/" + repository, pushed.digest(), signedAt);
      layouts.attachSimpleSignature(
          client, repository, pushed.digest(), simple.payload(), simple.signatureBase64());
      return pushed;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Publishing the signed release document "
              + signature.documentDigest()
              + " to "
              + repository
              + ":"
              + ReleaseArtifact.tag(signature.sequence())
              + " failed: "
              + e.getMessage(),
          e);
    }
  }

  private Fleet fleetOf(Release release) {
    return fleets
        .findById(release.fleetId())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "The fleet of release " + release.id() + " no longer exists"));
  }

  private static Map<String, Object> details(
      Fleet fleet,
      Release release,
      ReleaseSignature signature,
      Descriptor artifact,
      int manifests) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fleet", fleet.repositoryPrefix());
    details.put("releaseId", release.id());
    details.put("version", release.version());
    details.put("sequence", signature.sequence());
    details.put("documentDigest", signature.documentDigest());
    details.put("artifact", fleet.repositoryPrefix() + "@" + artifact.digest());
    details.put("manifests", manifests);
    details.put("keyHint", signature.keyHint());
    return details;
  }
}
