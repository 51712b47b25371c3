package io.slipway.api.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.builder.registry.Referrer;
import io.slipway.signing.bundle.Bundle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The documents of both layouts and the per-subject locks, without a registry. */
class SignatureDocumentsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SUBJECT = "sha256:" + "ab".repeat(32);
  private static final String PAYLOAD = "sha256:" + "cd".repeat(32);

  private static Manifest referrer(String bundleDigest) {
    Descriptor subject = new Descriptor(MediaTypes.OCI_MANIFEST, SUBJECT, 1234, null);
    return ReferrerManifest.of(
        subject, bundleDigest, 99, Instant.parse("2026-01-02T03:04:05.678Z"));
  }

  @Test
  void referrerManifestTruncatesCreatedToSeconds() {
    JsonNode root = JSON.readTree(referrer(PAYLOAD).bytes());

    assertThat(root.path("annotations").path(ReferrerManifest.CREATED).asString())
        .isEqualTo("2026-01-02T03:04:05Z");
  }

  @Test
  void bundleLayersOfAnotherSubjectAreNone() {
    assertThat(ReferrerManifest.bundleLayers(referrer(PAYLOAD), SUBJECT)).containsExactly(PAYLOAD);
    assertThat(ReferrerManifest.bundleLayers(referrer(PAYLOAD), PAYLOAD)).isEmpty();
  }

  @Test
  void fallbackTagReplacesTheColon() {
    assertThat(FallbackIndex.tag(SUBJECT)).isEqualTo("sha256-" + "ab".repeat(32));
    assertThat(ClassicManifest.tag(SUBJECT)).isEqualTo("sha256-" + "ab".repeat(32) + ".sig");
  }

  @Test
  void fallbackIndexListsEachReferrerOnce() {
    Manifest referrer = referrer(PAYLOAD);

    Manifest first = FallbackIndex.adding(Optional.empty(), referrer).orElseThrow();
    Optional<Manifest> second = FallbackIndex.adding(Optional.of(first), referrer);

    assertThat(second).isEmpty();
    List<Referrer> entries = Referrer.listFrom(first.bytes());
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).digest()).isEqualTo(referrer.digest());
    assertThat(entries.get(0).artifactType()).isEqualTo(Bundle.MEDIA_TYPE);
    assertThat(entries.get(0).annotations()).containsKey(ReferrerManifest.CREATED);
  }

  @Test
  void fallbackIndexRejectsAManifestAtTheTag() {
    Manifest notAnIndex = referrer("sha256:" + "ef".repeat(32));

    assertThatThrownBy(() -> FallbackIndex.adding(Optional.of(notAnIndex), referrer(PAYLOAD)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an OCI index");
  }

  @Test
  void classicLayersMatchPayloadAndSignature() {
    List<ObjectNode> layers = new ArrayList<>(List.of(ClassicManifest.layer(PAYLOAD, 10, "c2ln")));

    assertThat(ClassicManifest.contains(layers, PAYLOAD, "c2ln")).isTrue();
    assertThat(ClassicManifest.contains(layers, PAYLOAD, "b3RoZXI=")).isFalse();
    assertThat(ClassicManifest.contains(layers, SUBJECT, "c2ln")).isFalse();
  }

  @Test
  void classicConfigListsEveryLayer() {
    List<ObjectNode> layers =
        List.of(
            ClassicManifest.layer(PAYLOAD, 10, "c2ln"), ClassicManifest.layer(SUBJECT, 5, "eA=="));

    JsonNode config = JSON.readTree(ClassicManifest.config(layers));

    assertThat(config.path("rootfs").path("diff_ids").get(0).asString()).isEqualTo(PAYLOAD);
    assertThat(config.path("rootfs").path("diff_ids").get(1).asString()).isEqualTo(SUBJECT);
    assertThat(config.path("history")).hasSize(2);
    assertThat(config.path("os").asString()).isEmpty();
  }

  @Test
  void classicLayersRejectAnIndex() {
    Manifest index =
        Manifest.of(MediaTypes.OCI_INDEX, "{\"manifests\":[]}".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> ClassicManifest.layers(index))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(MediaTypes.OCI_INDEX);
  }

  @Test
  void classicSignatureRejectsAnEmptyPayload() {
    assertThatThrownBy(() -> new ClassicSignature(new byte[0], "c2ln"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-empty payload");
  }

  @Test
  void classicSignaturesCompareByContent() {
    byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);

    assertThat(new ClassicSignature(payload, "c2ln"))
        .isEqualTo(new ClassicSignature(payload.clone(), "c2ln"))
        .hasSameHashCodeAs(new ClassicSignature(payload.clone(), "c2ln"));
  }

  @Test
  void subjectLocksSerializeOneSubjectAndForgetIt() throws Exception {
    SubjectLocks locks = new SubjectLocks();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread thread =
          new Thread(
              () ->
                  locks.with(
                      SUBJECT,
                      () -> {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        sleep();
                        return inside.decrementAndGet();
                      }));
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(maxInside.get()).isEqualTo(1);
    assertThat(locks.size()).isZero();
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
