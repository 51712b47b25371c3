package io.slipway.api.releasesigning;

import java.util.function.LongFunction;
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
