package io.slipway.agent.update;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;

/** Parses image references by digest, {@code HOST/REPOSITORY@sha256:HEX}. Stateless. */
final class ImageReference {

  private ImageReference() {}

  /**
   * Returns the digest part of {@code reference}.
   *
   * @throws AgentException {@code PROTOCOL} when the reference names no digest
   */
  static String digestOf(String reference) {
    int at = reference == null ? -1 : reference.lastIndexOf('@');
    if (at < 0) {
      throw new AgentException(
          AgentFailure.PROTOCOL,
          "Image reference '" + reference + "' names no digest; the server must pin images");
    }
    return reference.substring(at + 1);
  }
}
