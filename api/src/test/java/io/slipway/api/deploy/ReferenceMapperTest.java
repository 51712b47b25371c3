package io.slipway.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.registry.RegistrySettings.Mirror;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReferenceMapperTest {

  private static final String DIGEST = "sha256:" + "0f".repeat(32);

  private final ReferenceMapper mapper =
      new ReferenceMapper(
          Set.of("Slipway.Example:8443", "127.0.0.1:9000"),
          List.of(
              new Mirror("acme/hub", URI.create("https://registry-1.docker.io"), "", null, null),
              new Mirror("acme/quay", URI.create("https://quay.io:443"), "", null, null),
              new Mirror(
                  "acme/upstream-team", URI.create("http://127.0.0.1:7000"), "team", null, null)));

  @Test
  void ownHostNamesTheRepositoryAsWritten() {
    ReferenceMapper.Mapped mapped = map("slipway.example:8443/acme/sensors/web:1.0");

    assertThat(mapped.repository()).isEqualTo("acme/sensors/web");
    assertThat(mapped.reference()).isEqualTo("1.0");
    assertThat(mapped.mirror()).isNull();
  }

  @Test
  void digestWinsOverTag() {
    assertThat(map("127.0.0.1:9000/acme/sensors/web:1.0@" + DIGEST).reference()).isEqualTo(DIGEST);
  }

  @Test
  void missingTagMeansLatest() {
    assertThat(map("127.0.0.1:9000/acme/sensors/web").reference()).isEqualTo("latest");
  }

  @Test
  void referenceWithoutHostIsDockerHub() {
    assertThat(map("busybox:1.36").repository()).isEqualTo("acme/hub/library/busybox");
    assertThat(map("grafana/grafana").repository()).isEqualTo("acme/hub/grafana/grafana");
  }

  @Test
  void dockerHubAliasesShareTheMirror() {
    assertThat(map("docker.io/library/debian:12").repository())
        .isEqualTo("acme/hub/library/debian");
    assertThat(map("index.docker.io/debian:12").repository()).isEqualTo("acme/hub/library/debian");
  }

  @Test
  void upstreamDefaultPortIsIgnored() {
    ReferenceMapper.Mapped mapped = map("quay.io/prometheus/node-exporter:v1");

    assertThat(mapped.repository()).isEqualTo("acme/quay/prometheus/node-exporter");
    assertThat(mapped.mirror()).isEqualTo("acme/quay");
  }

  @Test
  void mirrorPrefixReplacesUpstreamPrefix() {
    assertThat(map("127.0.0.1:7000/team/app/web:2").repository())
        .isEqualTo("acme/upstream-team/app/web");
  }

  @Test
  void pathOutsideUpstreamPrefixIsUnserved() {
    assertThat(mapper.map(SourceReference.parse("127.0.0.1:7000/other/web:2"))).isEmpty();
  }

  @Test
  void unknownHostIsNotServed() {
    assertThat(mapper.map(SourceReference.parse("ghcr.io/acme/web:1"))).isEmpty();
    assertThat(mapper.map(SourceReference.parse("127.0.0.1:9001/acme/sensors/web:1"))).isEmpty();
  }

  @Test
  void hostlessReferenceNeedsHubMirror() {
    ReferenceMapper own = new ReferenceMapper(Set.of("127.0.0.1:9000"), List.of());

    assertThat(own.map(SourceReference.parse("acme/sensors/web:1.0"))).isEmpty();
  }

  @Test
  void plainFirstSegmentIsPath() {
    SourceReference reference = SourceReference.parse("acme/web:1");

    assertThat(reference.host()).isNull();
    assertThat(reference.path()).isEqualTo("acme/web");
  }

  @Test
  void localhostIsAHost() {
    assertThat(SourceReference.parse("localhost/acme/web").host()).isEqualTo("localhost");
  }

  @Test
  void malformedReferenceIsNamed() {
    assertThatThrownBy(() -> SourceReference.parse("127.0.0.1:9000/Acme/Web:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127.0.0.1:9000/Acme/Web:1");
    assertThatThrownBy(() -> SourceReference.parse("web@sha256:abc"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private ReferenceMapper.Mapped map(String image) {
    return mapper.map(SourceReference.parse(image)).orElseThrow();
  }
}
