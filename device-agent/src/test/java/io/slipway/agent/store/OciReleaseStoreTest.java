package io.slipway.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import io.slipway.delta.image.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciReleaseStoreTest {

  @TempDir Path data;

  private final TinyImages images = new TinyImages();

  @Test
  void startsWithoutCurrentRelease() {
    OciReleaseStore store = OciReleaseStore.open(data);

    assertThat(store.current()).isEmpty();
    assertThat(data.resolve("images/oci-layout")).isRegularFile();
    assertThat(store.downloads()).isDirectory();
  }

  @Test
  void commitMakesReleaseCurrentAcrossReopen() {
    OciReleaseStore store = OciReleaseStore.open(data);
    Image web = add(store, "web layer one", "web layer two");
    InstalledRelease release = release(7, Map.of("web", service("web", web)));

    store.commit(release);

    assertThat(OciReleaseStore.open(data).current()).contains(release);
  }

  @Test
  void commitKeepsConfigurationValues() {
    OciReleaseStore store = OciReleaseStore.open(data);
    Image web = add(store, "web");
    InstalledService service =
        new InstalledService(
            "web",
            "127.0.0.1:5000/acme/gw/web@" + web.manifestDigest(),
            web.manifestDigest(),
            web.manifestDigest(),
            OciReleaseStore.refName(web.manifestDigest()),
            Map.of("MODE", "fast"),
            Map.of("io.slipway.test", "true"),
            Map.of("network_mode", "host", "ports", List.of("80:80"), "privileged", true));

    store.commit(release(3, Map.of("web", service)));

    InstalledService read =
        OciReleaseStore.open(data).current().orElseThrow().services().get("web");
    assertThat(read.configuration())
        .containsEntry("network_mode", "host")
        .containsEntry("ports", List.of("80:80"))
        .containsEntry("privileged", true);
  }

  @Test
  void commitRejectsReleaseWithMissingImage() {
    OciReleaseStore store = OciReleaseStore.open(data);
    Image old = add(store, "old");
    store.commit(release(1, Map.of("web", service("web", old))));
    Image absent = images.image("never written");

    assertThatThrownBy(() -> store.commit(release(2, Map.of("web", service("web", absent)))))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining(OciReleaseStore.refName(absent.manifestDigest()))
        .extracting(e -> ((AgentException) e).failure())
        .isEqualTo(AgentFailure.STORE_FAILED);
    assertThat(store.current().orElseThrow().releaseId()).isEqualTo(1);
  }

  @Test
  void commitRejectsImageWithMissingLayer() throws IOException {
    OciReleaseStore store = OciReleaseStore.open(data);
    Image web = add(store, "first", "second");
    Layer second = web.layers().get(1);
    Files.delete(store.layout().blobPath(second.blob().digest()));

    assertThatThrownBy(() -> store.commit(release(1, Map.of("web", service("web", web)))))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("lacks blob " + second.blob().digest());
    assertThat(store.current()).isEmpty();
  }

  @Test
  void collectGarbageKeepsCurrentAndKeptImagesOnly() {
    OciReleaseStore store = OciReleaseStore.open(data);
    Image current = add(store, "shared", "current only");
    Image prepared = add(store, "shared", "prepared only");
    Image stale = add(store, "stale only");
    store.commit(release(1, Map.of("web", service("web", current))));

    store.collectGarbage(Optional.of(release(2, Map.of("web", service("web", prepared)))));

    assertThat(store.layout().refNames())
        .containsExactlyInAnyOrder(
            OciReleaseStore.refName(current.manifestDigest()),
            OciReleaseStore.refName(prepared.manifestDigest()));
    assertThat(store.contains(current.manifestDigest())).isTrue();
    assertThat(store.contains(prepared.manifestDigest())).isTrue();
    assertThat(store.layout().contains(stale.manifestDigest())).isFalse();
    assertThat(store.layout().contains(stale.layers().get(0).blob().digest())).isFalse();
  }

  @Test
  void collectGarbageWithoutKeepDropsPreparedImage() {
    OciReleaseStore store = OciReleaseStore.open(data);
    Image current = add(store, "current");
    Image prepared = add(store, "prepared");
    store.commit(release(1, Map.of("web", service("web", current))));

    store.collectGarbage(Optional.empty());

    assertThat(store.contains(current.manifestDigest())).isTrue();
    assertThat(store.layout().contains(prepared.manifestDigest())).isFalse();
  }

  @Test
  void collectGarbageKeepsFreshPartialDownloads() throws IOException {
    OciReleaseStore store = OciReleaseStore.open(data);
    Path fresh = Files.writeString(store.downloads().resolve("a".repeat(64)), "partial");
    Path stale = Files.writeString(store.downloads().resolve("b".repeat(64)), "partial");
    Files.setLastModifiedTime(
        stale,
        FileTime.from(Instant.now().minus(OciReleaseStore.PARTIAL_DOWNLOAD_AGE).minusSeconds(60)));
    Path staging = Files.createDirectories(store.scratch().resolve("delta-x/staging"));
    Files.writeString(staging.resolve("blob"), "half applied");

    store.collectGarbage(Optional.empty());

    assertThat(fresh).exists();
    assertThat(stale).doesNotExist();
    assertThat(store.scratch().resolve("delta-x")).doesNotExist();
  }

  @Test
  void crashDuringPointerWriteLeavesOldReleaseCurrent() throws IOException {
    OciReleaseStore store = OciReleaseStore.open(data);
    Image old = add(store, "old");
    store.commit(release(1, Map.of("web", service("web", old))));
    // What a kill leaves between writing the temporary file and renaming it over the pointer.
    Path temporary = data.resolve(".current-release.json.123.tmp");
    Files.writeString(temporary, "{\"releaseId\":2,");

    OciReleaseStore reopened = OciReleaseStore.open(data);

    assertThat(reopened.current().orElseThrow().releaseId()).isEqualTo(1);
    assertThat(temporary).doesNotExist();
  }

  @Test
  void crashBeforeIndexUpdateLeavesOnlyUnusedBlobs() throws IOException {
    OciReleaseStore store = OciReleaseStore.open(data);
    Image old = add(store, "old");
    store.commit(release(1, Map.of("web", service("web", old))));
    // What a kill leaves after blobs of a new image were renamed into place, before index.json.
    Image next = images.image("next");
    Path orphan = store.layout().blobPath(next.layers().get(0).blob().digest());
    Files.writeString(orphan, "next");

    OciReleaseStore reopened = OciReleaseStore.open(data);
    assertThat(reopened.contains(old.manifestDigest())).isTrue();
    assertThat(reopened.contains(next.manifestDigest())).isFalse();

    reopened.collectGarbage(Optional.empty());
    assertThat(orphan).doesNotExist();
  }

  @Test
  void crashDuringGcKeepsCurrentWhole() {
    OciReleaseStore store = OciReleaseStore.open(data);
    Image current = add(store, "current");
    Image old = add(store, "old");
    store.commit(release(2, Map.of("web", service("web", current))));
    // What a kill leaves when garbage collection replaced index.json and deleted no blob yet.
    store.layout().retain(Set.of(OciReleaseStore.refName(current.manifestDigest())));

    OciReleaseStore reopened = OciReleaseStore.open(data);
    assertThat(reopened.contains(current.manifestDigest())).isTrue();

    reopened.collectGarbage(Optional.empty());
    assertThat(reopened.layout().contains(old.manifestDigest())).isFalse();
    assertThat(reopened.contains(current.manifestDigest())).isTrue();
  }

  @Test
  void corruptPointerCountsAsNoRelease() throws IOException {
    Files.createDirectories(data);
    Files.writeString(data.resolve("current-release.json"), "not json");
    OciReleaseStore store = OciReleaseStore.open(data);

    assertThat(store.current()).isEmpty();
  }

  @Test
  void corruptPointerIsMovedAside() throws IOException {
    Files.createDirectories(data);
    Files.writeString(data.resolve("current-release.json"), "not json");
    Clock clock = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);
    OciReleaseStore store = OciReleaseStore.open(data, clock);

    store.current();

    assertThat(data.resolve("current-release.json")).doesNotExist();
    assertThat(data.resolve("current-release.json.corrupt-20260304T050607Z"))
        .hasContent("not json");
  }

  private Image add(OciReleaseStore store, String... layers) {
    Image image = images.image(layers);
    store.layout().writeImage(images, image, OciReleaseStore.refName(image.manifestDigest()));
    return image;
  }

  private static InstalledService service(String name, Image image) {
    Digest manifest = image.manifestDigest();
    return new InstalledService(
        name,
        "127.0.0.1:5000/acme/gw/" + name + "@" + manifest,
        manifest,
        manifest,
        OciReleaseStore.refName(manifest),
        Map.of("A", "1"),
        Map.of(),
        Map.of());
  }

  private static InstalledRelease release(long id, Map<String, InstalledService> services) {
    return new InstalledRelease(id, "v" + id, id, "sha256:" + "c".repeat(64), services);
  }
}
