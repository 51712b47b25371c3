package io.slipway.agent.update;

import io.slipway.signing.release.ReleaseDocument;
import io.slipway.signing.state.TargetStateDocument;
import java.util.Objects;

/**
 * A target whose signed state and signed release document verified, and whose polled copy names
 * exactly the document's images. Immutable.
 *
 * @param state the verified target state
 * @param release the verified release document; its service images are the only ones to install
 */
record VerifiedTarget(TargetStateDocument state, ReleaseDocument release) {

  VerifiedTarget {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(release, "release");
  }
}
