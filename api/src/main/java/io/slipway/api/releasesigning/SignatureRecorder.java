package io.slipway.api.releasesigning;

import io.slipway.signing.release.ReleaseDocument;
import io.slipway.signing.release.ServiceImage;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Numbers and stores release signatures. The sequence is taken and the row inserted in one
 * transaction of its own, committed before the caller publishes anything, so a number that reached
 * the registry is never handed out again. Safe for concurrent use.
 */
@Component
public class SignatureRecorder {

  private static final Logger log = LoggerFactory.getLogger(SignatureRecorder.class);

  private final ReleaseSignatureRepository signatures;
  private final TransactionTemplate ownTransaction;

  public SignatureRecorder(
      ReleaseSignatureRepository signatures, PlatformTransactionManager transactions) {
    this.signatures = signatures;
    this.ownTransaction = new TransactionTemplate(transactions);
    // The release pipeline calls hooks inside its step's transaction. The signature row must not
    // wait for that transaction, which also lasts while the registry is written.
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /**
   * Returns the stored signature of release {@code releaseId}, or allocates the next sequence of
   * fleet {@code fleetId}, has {@code sign} sign the release document with it, and stores the
   * result. A second call for a signed release, such as a restarted build's, returns the first
   * signature unchanged.
   *
   * @param sign signs the release document of the given sequence; it runs while the fleet's row is
   *     locked, so it must not call the registry
   * @throws IllegalArgumentException when {@code sign} returns a signature of another release,
   *     fleet or sequence
   */
  public ReleaseSignature record(
      long releaseId, long fleetId, LongFunction<ReleaseSignature> sign) {
    return ownTransaction.execute(
        status ->
            signatures.findByRelease(releaseId).orElseGet(() -> signNew(releaseId, fleetId, sign)));
  }

  /**
   * Records a signature as {@link #record(long, long, LongFunction)} does, but replaces a stored
   * signature whose release document lists other services than {@code services}. That happens when
   * a release finished through the API changes its services after a failed finish left a signature
   * behind. The replacement takes the fleet's next sequence, so sequences still only grow.
   *
   * @param services the services the release document must list, in any order
   * @throws IllegalArgumentException as {@link #record(long, long, LongFunction)} does
   */
  public ReleaseSignature record(
      long releaseId,
      long fleetId,
      List<ServiceImage> services,
      LongFunction<ReleaseSignature> sign) {
    try {
      return recordOnce(releaseId, fleetId, services, sign);
    } catch (DuplicateKeyException e) {
      // Another signer of the same release, such as a concurrent finish, stored its signature
      // first; a fresh transaction reads it.
      log.info("Release {} was signed concurrently; reading that signature", releaseId);
      return recordOnce(releaseId, fleetId, services, sign);
    }
  }

  private ReleaseSignature recordOnce(
      long releaseId,
      long fleetId,
      List<ServiceImage> services,
      LongFunction<ReleaseSignature> sign) {
    return ownTransaction.execute(
        status -> {
          Optional<ReleaseSignature> stored = signatures.findByRelease(releaseId);
          if (stored.isPresent() && lists(stored.get(), services)) {
            return stored.get();
          }
          stored.ifPresent(old -> replace(old));
          return signNew(releaseId, fleetId, sign);
        });
  }

  private void replace(ReleaseSignature old) {
    log.warn(
        "Release {} has a signature (sequence {}, document {}) of other services; signing it"
            + " again",
        old.releaseId(),
        old.sequence(),
        old.documentDigest());
    signatures.delete(old.releaseId());
  }

  private static boolean lists(ReleaseSignature signature, List<ServiceImage> services) {
    List<ServiceImage> signed = ReleaseDocument.parse(signature.document()).services();
    return sorted(signed).equals(sorted(services));
  }

  private static List<ServiceImage> sorted(List<ServiceImage> services) {
    return services.stream().sorted(Comparator.comparing(ServiceImage::name)).toList();
  }

  private ReleaseSignature signNew(
      long releaseId, long fleetId, LongFunction<ReleaseSignature> sign) {
    long sequence = signatures.allocateSequence(fleetId);
    ReleaseSignature signature = sign.apply(sequence);
    if (signature.releaseId() != releaseId
        || signature.fleetId() != fleetId
        || signature.sequence() != sequence) {
      throw new IllegalArgumentException(
          "Signature "
              + signature
              + " does not match release "
              + releaseId
              + " of fleet "
              + fleetId
              + ", which was given sequence "
              + sequence);
    }
    signatures.insert(signature);
    return signature;
  }
}
