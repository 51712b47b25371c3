package io.slipway.api.targetstate;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.release.Release;
import io.slipway.api.release.ReleaseRepository;
import io.slipway.api.release.ReleaseServiceImage;
import io.slipway.api.variable.EffectiveVariables;
import io.slipway.api.variable.VariableResolver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Computes the target state of a device: the release that {@link TargetRule} picks, each of its
 * services with the image by digest, the environment (the release's, overridden by the device's
 * effective variables), labels and compose configuration, and the device agent's configuration.
 *
 * <p>Devices poll this often. {@link #versions} reads them with one query by primary key, enough
 * for an ETag; {@link #render} keeps the rendered JSON of each device in a bounded cache keyed by
 * those versions, so a repeated poll for an unchanged state costs no further queries. Nothing here
 * writes to the database. Safe for concurrent use.
 */
@Service
public class TargetStateService {

  private final TargetStateRepository targets;
  private final ReleaseRepository releases;
  private final VariableResolver variables;
  private final RenderedStateCache cache;
  private final JsonMapper json = JsonMapper.builder().build();

  public TargetStateService(
      TargetStateRepository targets,
      ReleaseRepository releases,
      VariableResolver variables,
      @Value("${slipway.target-state.cache-size:20000}") int cacheSize) {
    this.targets = targets;
    this.releases = releases;
    this.variables = variables;
    this.cache = new RenderedStateCache(cacheSize);
  }

  /**
   * Returns the versions that identify the device's current target state; their {@link
   * StateVersions#etag() ETag} is the state's.
   *
   * @throws ApiException {@code DEVICE_NOT_FOUND} when the device no longer exists
   */
  public StateVersions versions(long deviceId) {
    return targets.versions(deviceId).orElseThrow(() -> deviceGone(deviceId));
  }

  /**
   * Returns the target state for {@code versions}, from the cache when it was rendered for exactly
   * these versions. The state is read after the versions, so it is never older than they are.
   *
   * @throws ApiException {@code DEVICE_NOT_FOUND} when the device no longer exists
   */
  public RenderedState render(StateVersions versions) {
    RenderedState cached = cache.get(versions);
    if (cached != null) {
      return cached;
    }
    RenderedState rendered = renderNow(versions);
    cache.put(rendered);
    return rendered;
  }

  /** Returns the release the device should run now, if any; never cached. */
  public Optional<Release> resolve(long deviceId) {
    TargetInputs inputs = targets.inputs(deviceId).orElseThrow(() -> deviceGone(deviceId));
    return TargetRule.resolve(
        inputs,
        releases::findById,
        () -> releases.findLatestDeployable(inputs.fleetId()).flatMap(releases::findById));
  }

  private RenderedState renderNow(StateVersions versions) {
    long deviceId = versions.deviceId();
    Optional<Release> release = resolve(deviceId);
    EffectiveVariables deviceVariables = variables.forDevice(versions.fleetId(), deviceId);

    Map<String, Object> state = new LinkedHashMap<>();
    state.put("release", release.map(TargetStateService::releaseJson).orElse(null));
    state.put("services", release.map(r -> servicesJson(r, deviceVariables)).orElse(Map.of()));
    state.put("config", new TreeMap<>(deviceVariables.config()));
    return new RenderedState(
        versions, release.map(Release::id).orElse(null), json.writeValueAsBytes(state));
  }

  private Map<String, Object> servicesJson(Release release, EffectiveVariables deviceVariables) {
    Map<String, Object> services = new LinkedHashMap<>();
    for (ReleaseServiceImage service : releases.findServices(release.id())) {
      Map<String, String> environment = new TreeMap<>(service.environment());
      environment.putAll(deviceVariables.environmentOf(service.service()));

      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("image", String.valueOf(service.image()));
      fields.put("environment", environment);
      fields.put("labels", service.labels());
      fields.put("configuration", service.configuration());
      services.put(service.service(), fields);
    }
    return services;
  }

  private static Map<String, Object> releaseJson(Release release) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", release.id());
    fields.put("version", release.version());
    fields.put("commit", release.sourceCommit());
    return fields;
  }

  private static ApiException deviceGone(long deviceId) {
    return new ApiException(
        ErrorCode.DEVICE_NOT_FOUND,
        "Device with id " + deviceId + " no longer exists; register the device again");
  }
}
