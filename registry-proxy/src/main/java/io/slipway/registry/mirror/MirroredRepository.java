package io.slipway.registry.mirror;

import io.slipway.registry.reference.RepositoryName;

/**
 * A local repository under a mirror prefix and the upstream repository it mirrors.
 *
 * @param local the repository as clients of this registry name it, such as {@code
 *     mirror/hub/library/debian}
 * @param upstreamName the repository on the upstream, such as {@code library/debian}
 * @param prefix the mirror prefix that matched, for messages
 * @param upstream the client of the mirror's upstream registry
 */
record MirroredRepository(
    RepositoryName local, String upstreamName, String prefix, UpstreamClient upstream) {

  /** Names the pair for messages and logs, such as {@code mirror/hub/x (upstream .../x)}. */
  String describe() {
    return local + " (upstream " + upstream.upstream() + "/v2/" + upstreamName + ")";
  }
}
