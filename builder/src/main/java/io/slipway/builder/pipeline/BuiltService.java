package io.slipway.builder.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One service of a finished build: its image index in the registry and its run settings from the
 * compose file. Immutable. The maps are copies that keep the compose file's order.
 *
 * @param name the service name, such as {@code web}
 * @param repository the repository holding the index, {@code ORG/FLEET/SERVICE}
 * @param indexDigest the image index's digest, {@code sha256:} and 64 hex digits
 * @param environment the service's environment variables
 * @param labels the service's labels
 * @param configuration the rest of the service's compose entry (ports, volumes, network_mode,
 *     privileged, restart and so on), as parsed from YAML
 */
public record BuiltService(
    String name,
    String repository,
    String indexDigest,
    Map<String, String> environment,
    Map<String, String> labels,
    Map<String, Object> configuration) {

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * @throws IllegalArgumentException naming the digest when it is not {@code sha256:<64 hex>}
   */
  public BuiltService {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(repository, "repository");
    if (indexDigest == null || !DIGEST.matcher(indexDigest).matches()) {
      throw new IllegalArgumentException(
          "Index digest '" + indexDigest + "' of service '" + name + "' is not sha256:<64 hex>");
    }
    environment = copy(environment);
    labels = copy(labels);
    configuration = copy(configuration);
  }

  private static <V> Map<String, V> copy(Map<String, V> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
