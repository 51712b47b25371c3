package io.slipway.agent;

/** Failure kinds of the device agent, with stable names that state reports and logs carry. */
public enum AgentFailure {
  /** config.json is missing, unreadable or lacks a field; the message names it. */
  INVALID_CONFIG,
  /** Another agent holds the lock on the data directory. */
  ALREADY_RUNNING,
  /** The server refused the registration (bad or used-up provisioning key, another fleet). */
  REGISTRATION_REFUSED,
  /** The server refused the device key (401 or 403). */
  UNAUTHORIZED,
  /** The server or registry could not be reached or responded with 5xx; retried with backoff. */
  SERVER_UNAVAILABLE,
  /** The server sent a response the agent cannot use (4xx, malformed body). */
  PROTOCOL,
  /**
   * A signature, digest, trust or rollback check failed, or a downloaded blob has another size or
   * digest than expected; nothing was switched.
   */
  VERIFICATION_FAILED,
  /** A download broke off more often than allowed, or the server rejected it. */
  DOWNLOAD_FAILED,
  /** A delta could not be applied; the agent falls back to a full pull. */
  DELTA_FAILED,
  /** The local store is damaged beyond what a restart repairs. */
  STORE_FAILED,
  /** The container engine refused an operation. */
  ENGINE_FAILED,
  /** A service holds its update lock, so the agent downloads but does not switch. */
  LOCKED
}
