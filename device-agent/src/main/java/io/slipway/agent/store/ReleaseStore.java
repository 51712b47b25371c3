package io.slipway.agent.store;

import io.slipway.delta.layout.OciLayout;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The device's images and the pointer to the release it runs. Images live in one OCI image layout
 * directory ({@code DATA/images}), which skopeo and umoci can read. The current release is a small
 * JSON file ({@code DATA/current-release.json}) replaced atomically (temporary file, fsync, rename,
 * fsync of the directory): that rename is the one commit point of a switch, so a kill or power cut
 * leaves either the old or the new release current, never a mix. Images of the current release are
 * never removed.
 *
 * <p>Used by one agent at a time (the agent locks its data directory); methods are not meant to be
 * called concurrently.
 */
public interface ReleaseStore {

  /** Returns the release the device runs, or empty before its first release. */
  Optional<InstalledRelease> current();

  /** Returns the OCI layout that contains every image. */
  OciLayout layout();

  /** Returns a scratch directory for partial downloads and staging, kept across restarts. */
  Path scratch();

  /**
   * Makes {@code release} current. Every image it names must already be complete in the layout.
   *
   * @throws io.slipway.agent.AgentException {@code STORE_FAILED} when an image is missing or the
   *     pointer cannot be written; the old release then stays current
   */
  void commit(InstalledRelease release);

  /**
   * Removes images and scratch files that neither the current release nor {@code keep} names. Run
   * after a switch, once the new release runs: at start it would delete images verified for a
   * switch that a kill interrupted.
   */
  void collectGarbage(Optional<InstalledRelease> keep);
}
