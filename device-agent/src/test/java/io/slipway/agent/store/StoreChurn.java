package io.slipway.agent.store;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.Image;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A child process for kill tests: adds an image, commits a release of it and collects garbage, in
 * an endless loop, printing {@code committed N} after each commit. The parent kills it at random
 * moments with SIGKILL.
 */
public final class StoreChurn {

  private StoreChurn() {}

  /** Runs the loop in the data directory {@code args[0]}. */
  public static void main(String[] args) {
    OciReleaseStore store = OciReleaseStore.open(Path.of(args[0]));
    TinyImages images = new TinyImages();
    long next = store.current().map(InstalledRelease::releaseId).orElse(0L) + 1;
    while (true) {
      // Layers of 256 KiB make each step take long enough that kills land inside writes.
      Image image = images.image("shared base", ("release " + next + " ").repeat(20_000));
      Digest manifest = image.manifestDigest();
      store.layout().writeImage(images, image, OciReleaseStore.refName(manifest));
      InstalledService web =
          new InstalledService(
              "web",
              "127.0.0.1:5000/acme/gw/web@" + manifest,
              manifest,
              manifest,
              OciReleaseStore.refName(manifest),
              Map.of(),
              Map.of(),
              Map.of());
      store.commit(
          new InstalledRelease(
              next, "v" + next, next, "sha256:" + "c".repeat(64), Map.of("web", web)));
      System.out.println("committed " + next);
      System.out.flush();
      store.collectGarbage(Optional.empty());
      next++;
    }
  }
}
