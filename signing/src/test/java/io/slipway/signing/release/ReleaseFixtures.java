package io.slipway.signing.release;

import java.time.Instant;
import java.util.List;

/** Releases of one fleet for tests. */
final class ReleaseFixtures {

  static final String FLEET = "acme/gateways";
  static final String DEVICE = "9f1c7e2a-3b4d-4e5f-8a6b-7c8d9e0f1a2b";

  private ReleaseFixtures() {}

  /** Returns release {@code sequence} of {@link #FLEET} with two services. */
  static ReleaseDocument release(long sequence) {
    return new ReleaseDocument(
        FLEET,
        100 + sequence,
        "1." + sequence + ".0",
        sequence,
        Instant.parse("2026-03-01T10:00:00Z").plusSeconds(3600 * sequence),
        List.of(
            new ServiceImage("web", "acme/gateways/web", digest('a', sequence)),
            new ServiceImage("agent", "acme/gateways/agent", digest('b', sequence))));
  }

  private static String digest(char fill, long sequence) {
    return "sha256:" + String.valueOf(fill).repeat(62) + String.format("%02d", sequence % 100);
  }
}
