package io.slipway.api.event;

/**
 * Published when a release becomes {@code SUCCESS}, whether or not its fleet tracks the latest
 * release. Listeners that must see the committed release use {@code @TransactionalEventListener},
 * which delivers it after the transaction that finished the release commits. Immutable.
 *
 * @param fleetId the release's fleet
 * @param releaseId the release
 */
public record ReleaseSucceeded(long fleetId, long releaseId) {}
