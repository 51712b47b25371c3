package io.slipway.api.control.broker;

import java.util.Objects;
import java.util.Set;

/**
 * One ACL entry of a Mosquitto dynamic-security role. Immutable.
 *
 * @param type the plugin's ACL type: {@code publishClientSend}, {@code publishClientReceive},
 *     {@code subscribeLiteral}, {@code subscribePattern}, {@code unsubscribeLiteral} or {@code
 *     unsubscribePattern}
 * @param topic the topic or filter the entry matches
 * @param allow whether a match is allowed or denied
 */
record MosquittoAcl(String type, String topic, boolean allow) {

  private static final Set<String> TYPES =
      Set.of(
          "publishClientSend",
          "publishClientReceive",
          "subscribeLiteral",
          "subscribePattern",
          "unsubscribeLiteral",
          "unsubscribePattern");

  MosquittoAcl {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(topic, "topic");
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "Invalid dynamic-security ACL type '" + type + "'; use one of " + TYPES);
    }
  }

  /** Returns an entry that allows {@code type} on {@code topic}. */
  static MosquittoAcl allow(String type, String topic) {
    return new MosquittoAcl(type, topic, true);
  }
}
