package io.slipway.agent.config;

import java.nio.file.Path;

/**
 * The device's config.json on disk. Reads it tolerantly (unknown fields are kept, not rejected) and
 * rewrites it atomically: a temporary file in the same directory, fsync, rename over the original,
 * fsync of the directory. A crash at any moment leaves either the old or the new file, whole.
 *
 * <p>Not thread-safe; the agent keeps one instance for its data directory's lifetime.
 */
public interface ConfigFile {

  /** Returns the file's path. */
  Path path();

  /**
   * Reads and checks the file.
   *
   * @throws io.slipway.agent.AgentException {@code INVALID_CONFIG} naming the path and the field at
   *     fault: unreadable JSON, a missing required field, a bad URL, neither a provisioning key nor
   *     a UUID with a device API key
   */
  AgentConfig read();

  /**
   * Records a finished registration: sets {@code uuid} and {@code deviceApiKey}, removes {@code
   * provisioningKey}, keeps every other field as it was, and replaces the file atomically.
   *
   * @return the configuration as now stored
   * @throws io.slipway.agent.AgentException {@code INVALID_CONFIG} when the file cannot be written;
   *     the old file is then unchanged
   */
  AgentConfig writeRegistered(String uuid, String deviceApiKey);

  /**
   * Deletes what an interrupted rewrite left beside the file: temporary copies, which can contain
   * the device key. Call it at start, while no rewrite runs.
   *
   * @throws io.slipway.agent.AgentException {@code INVALID_CONFIG} when the directory cannot be
   *     read or a leftover cannot be deleted
   */
  void deleteLeftovers();
}
