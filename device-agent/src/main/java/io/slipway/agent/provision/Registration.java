package io.slipway.agent.provision;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.AtomicFiles;
import io.slipway.agent.client.DeviceApi;
import io.slipway.agent.client.PollSchedule;
import io.slipway.agent.client.Registered;
import io.slipway.agent.config.AgentConfig;
import io.slipway.agent.config.ConfigFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Provisioning} through the server's {@code POST /device/v1/register}, in three durable
 * steps: store a generated UUID and device key in {@code DATA/registration.json}; register with
 * them (retried with backoff while the server is unreachable); rewrite config.json with them and
 * without the provisioning key, then delete {@code registration.json}. A crash between any two
 * steps is repaired by the next start. Before the rewrite it registers again with the same
 * identity, which the server treats as the same device. After it, config.json already contains the
 * device.
 *
 * <p>Not thread-safe; the agent calls it once at start, holding its data directory's lock.
 */
public final class Registration implements Provisioning {

  private static final Logger log = LoggerFactory.getLogger(Registration.class);

  /** The durable steps, for tests that stop the registration between two of them. */
  enum Step {
    /** registration.json contains the identity; nothing was sent yet. */
    PENDING_SAVED,
    /** The server confirmed; config.json still contains the provisioning key. */
    REGISTERED,
    /** config.json contains the device's credentials; registration.json still exists. */
    CONFIG_WRITTEN
  }

  private final ConfigFile configFile;
  private final Path pendingFile;
  private final Function<AgentConfig, DeviceApi> apis;
  private final String osVersion;
  private final PollSchedule backoff;
  private final Consumer<Step> afterStep;

  /**
   * Creates the provisioning of one data directory.
   *
   * @param configFile the device's config.json
   * @param dataDirectory the agent's data directory, which must exist
   * @param apis builds the API client for a configuration; only its {@code register} is called
   * @param osVersion the OS version to register with, or null when unknown
   * @param backoff the waits between attempts while the server is unreachable
   */
  public Registration(
      ConfigFile configFile,
      Path dataDirectory,
      Function<AgentConfig, DeviceApi> apis,
      String osVersion,
      PollSchedule backoff) {
    this(configFile, dataDirectory, apis, osVersion, backoff, step -> {});
  }

  /**
   * Creates the provisioning with the default backoff: from 1 second up to 5 minutes between
   * attempts.
   */
  public Registration(
      ConfigFile configFile,
      Path dataDirectory,
      Function<AgentConfig, DeviceApi> apis,
      String osVersion) {
    this(configFile, dataDirectory, apis, osVersion, PollSchedule.of(Duration.ofMinutes(5)));
  }

  Registration(
      ConfigFile configFile,
      Path dataDirectory,
      Function<AgentConfig, DeviceApi> apis,
      String osVersion,
      PollSchedule backoff,
      Consumer<Step> afterStep) {
    this.configFile = Objects.requireNonNull(configFile, "configFile");
    this.pendingFile = dataDirectory.resolve(PendingRegistration.FILE_NAME);
    this.apis = Objects.requireNonNull(apis, "apis");
    this.osVersion = osVersion;
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.afterStep = Objects.requireNonNull(afterStep, "afterStep");
  }

  @Override
  public AgentConfig ensureRegistered() throws InterruptedException {
    configFile.deleteLeftovers();
    AgentConfig config = configFile.read();
    if (config.registered()) {
      deletePending(config.uuid());
      return config;
    }

    PendingRegistration pending = pendingFor(config);
    afterStep.accept(Step.PENDING_SAVED);

    Registered registered = registerWithRetries(config, pending);
    afterStep.accept(Step.REGISTERED);

    AgentConfig stored = configFile.writeRegistered(registered.uuid(), registered.deviceKey());
    afterStep.accept(Step.CONFIG_WRITTEN);

    deletePending(registered.uuid());
    log.info(
        "Device {} joined fleet {} ({}); config file {} no longer contains the provisioning key",
        registered.uuid(),
        registered.fleet(),
        registered.created() ? "new device" : "registration repeated",
        configFile.path());
    return stored;
  }

  /** Returns the stored identity for this fleet, or a new one, stored before it is used. */
  private PendingRegistration pendingFor(AgentConfig config) {
    PendingRegistration stored = PendingRegistration.load(pendingFile).orElse(null);
    if (stored != null && stored.fleetId() == config.fleetId()) {
      log.info("Device {} repeats its registration into fleet {}", stored.uuid(), config.fleet());
      return stored;
    }
    if (stored != null) {
      log.warn(
          "Pending registration of device {} was for fleet id {}, but config file {} names fleet"
              + " {} (id {}); registering with a new UUID",
          stored.uuid(),
          stored.fleetId(),
          configFile.path(),
          config.fleet(),
          config.fleetId());
    }
    PendingRegistration fresh = PendingRegistration.generate(config.fleetId());
    fresh.save(pendingFile);
    log.info("Device {} registers into fleet {}", fresh.uuid(), config.fleet());
    return fresh;
  }

  private Registered registerWithRetries(AgentConfig config, PendingRegistration pending)
      throws InterruptedException {
    DeviceApi api = apis.apply(config);
    io.slipway.agent.client.Registration request =
        new io.slipway.agent.client.Registration(
            pending.uuid(), config.deviceType(), null, osVersion, pending.deviceKey());
    while (true) {
      try {
        Registered registered = api.register(config.provisioningKey(), request);
        return checked(registered, pending);
      } catch (AgentException e) {
        if (e.failure() != AgentFailure.SERVER_UNAVAILABLE) {
          throw e;
        }
        waitToRetry(pending, e);
      }
    }
  }

  private void waitToRetry(PendingRegistration pending, AgentException failure)
      throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("Registration of device " + pending.uuid() + " interrupted");
    }
    Duration wait = backoff.afterFailure();
    log.warn(
        "Device {} is not registered yet: {}; retrying in {} ms",
        pending.uuid(),
        failure.getMessage(),
        wait.toMillis());
    Thread.sleep(wait.toMillis());
  }

  private static Registered checked(Registered registered, PendingRegistration pending) {
    if (!pending.uuid().equals(registered.uuid())) {
      throw new AgentException(
          AgentFailure.PROTOCOL,
          "The server registered device "
              + registered.uuid()
              + " instead of the requested "
              + pending.uuid()
              + "; check that the apiEndpoint in config.json is a Slipway server");
    }
    if (registered.deviceKey() == null || registered.deviceKey().isEmpty()) {
      throw new AgentException(
          AgentFailure.PROTOCOL,
          "The server registered device " + registered.uuid() + " but returned no device key");
    }
    return registered;
  }

  private void deletePending(String uuid) {
    try {
      if (AtomicFiles.delete(pendingFile)) {
        log.info("Device {}: removed the finished pending registration {}", uuid, pendingFile);
      }
    } catch (IOException e) {
      // A leftover file is harmless: config.json is the record, and the next start retries.
      log.warn("Device {}: could not delete {} ({})", uuid, pendingFile, e.toString());
    }
  }
}
