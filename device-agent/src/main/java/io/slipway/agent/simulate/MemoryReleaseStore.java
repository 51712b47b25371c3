package io.slipway.agent.simulate;

import io.slipway.agent.store.InstalledRelease;
import io.slipway.agent.store.ReleaseStore;
import io.slipway.delta.layout.OciLayout;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A store without images, for simulated devices that skip downloads: it only remembers the current
 * release, in memory, so a new simulation starts each device without one. Thread-safe.
 */
final class MemoryReleaseStore implements ReleaseStore {

  private final OciLayout layout;
  private final Path scratch;
  private volatile InstalledRelease current;

  /** Creates an empty OCI layout under {@code directory}, which nothing writes images into. */
  MemoryReleaseStore(Path directory) {
    this.layout = OciLayout.create(directory.resolve("images"));
    this.scratch = directory.resolve("scratch");
  }

  @Override
  public Optional<InstalledRelease> current() {
    return Optional.ofNullable(current);
  }

  @Override
  public OciLayout layout() {
    return layout;
  }

  @Override
  public Path scratch() {
    return scratch;
  }

  @Override
  public void commit(InstalledRelease release) {
    current = release;
  }

  @Override
  public void collectGarbage(Optional<InstalledRelease> keep) {
    // No images are kept, so none can be removed.
  }
}
