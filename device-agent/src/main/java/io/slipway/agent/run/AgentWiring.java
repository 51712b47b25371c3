package io.slipway.agent.run;

import io.slipway.agent.client.HttpDeviceApi;
import io.slipway.agent.client.HttpDownloader;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.engine.ServiceRunner;
import io.slipway.agent.store.OciReleaseStore;
import io.slipway.agent.trust.TrustStore;
import io.slipway.agent.update.StandardUpdater;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;

/** Builds the real parts of a registered device: HTTP API, OCI store, trust and updater. */
public final class AgentWiring {

  /** The file of the device's trusted keys in its data directory. */
  public static final String TRUST_FILE = "trust.json";

  private AgentWiring() {}

  /**
   * Returns the parts of the device {@code config} names, with its files under {@code
   * dataDirectory} and the runner {@code runners} makes for it.
   *
   * @throws io.slipway.agent.AgentException {@code STORE_FAILED} when the store or trust file
   *     cannot be read
   */
  public static AgentParts parts(
      AgentConfig config, Path dataDirectory, Function<AgentConfig, ServiceRunner> runners) {
    HttpClient client = HttpDeviceApi.newClient(HttpDeviceApi.DEFAULT_TIMEOUT);
    HttpDownloader downloader = new HttpDownloader(client);
    HttpDeviceApi api =
        new HttpDeviceApi(config, client, HttpDeviceApi.DEFAULT_TIMEOUT, downloader);
    OciReleaseStore store = OciReleaseStore.open(dataDirectory);
    TrustStore trust = TrustStore.open(dataDirectory.resolve(TRUST_FILE), config.trustedKeys());
    StandardUpdater updater =
        new StandardUpdater(
            api,
            store,
            trust,
            downloader,
            config.registryEndpoint(),
            config.uuid(),
            config.deviceApiKey(),
            StandardUpdater.DEFAULT_DELTA_WAIT,
            Clock.systemUTC());
    return new AgentParts(api, store, updater, runners.apply(config));
  }
}
