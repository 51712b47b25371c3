package io.slipway.agent.simulate;

import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.config.ConfigFile;
import java.nio.file.Path;

/**
 * A config.json kept in memory, for a simulated device: registration rewrites it without the
 * provisioning key as a real device's file would be, but nothing reaches the disk. Not thread-safe.
 */
final class MemoryConfigFile implements ConfigFile {

  private final Path path;
  private AgentConfig config;

  /**
   * @param path a name for messages; no file is read or written there
   */
  MemoryConfigFile(Path path, AgentConfig config) {
    this.path = path;
    this.config = config;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public AgentConfig read() {
    return config;
  }

  @Override
  public AgentConfig writeRegistered(String uuid, String deviceApiKey) {
    config =
        new AgentConfig(
            config.fleetId(),
            config.fleet(),
            config.deviceType(),
            null,
            uuid,
            deviceApiKey,
            config.apiEndpoint(),
            config.registryEndpoint(),
            config.deltaEndpoint(),
            config.controlEndpoint(),
            config.pollInterval(),
            config.trustedKeys());
    return config;
  }

  /** Does nothing: a file in memory leaves nothing behind. */
  @Override
  public void deleteLeftovers() {}
}
