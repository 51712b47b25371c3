package io.slipway.builder.registry;

import io.slipway.builder.BuildException;

/**
 * A registry returned an unexpected status, sent a malformed document, or could not be reached. The
 * message names the repository, the reference (tag or digest) and the HTTP status.
 */
public class RegistryException extends BuildException {

  private final String repository;
  private final String reference;
  private final int status;

  /**
   * @param repository the repository the request was about
   * @param reference the tag or digest, or null when the request had none (a token request)
   * @param status the HTTP status, or 0 when no response arrived
   * @param detail what went wrong and, where known, what to do
   */
  public RegistryException(String repository, String reference, int status, String detail) {
    this(repository, reference, status, detail, null);
  }

  public RegistryException(
      String repository, String reference, int status, String detail, Throwable cause) {
    super(format(repository, reference, status, detail), cause);
    this.repository = repository;
    this.reference = reference;
    this.status = status;
  }

  private static String format(String repository, String reference, int status, String detail) {
    String target = reference == null ? repository : repository + " " + reference;
    String answer = status == 0 ? "no response" : "HTTP " + status;
    return "Registry request for " + target + " failed (" + answer + "): " + detail;
  }

  /** Returns the repository the failed request was about. */
  public String repository() {
    return repository;
  }

  /** Returns the tag or digest of the failed request, or null when it had none. */
  public String reference() {
    return reference;
  }

  /** Returns the HTTP status of the response, or 0 when none arrived. */
  public int status() {
    return status;
  }
}
