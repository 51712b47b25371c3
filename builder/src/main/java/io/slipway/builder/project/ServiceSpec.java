package io.slipway.builder.project;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One service of a project: how to build it (or which image to use instead) and the rest of its
 * compose definition, kept as the release's service configuration. Immutable.
 *
 * @param name the service name, such as {@code web}; a single-Dockerfile project has one service
 *     named {@code main}
 * @param file the file that defines it, relative to the project root ({@code docker-compose.yml} or
 *     {@code Dockerfile})
 * @param line the 1-based line of its definition in {@code file}, or 0 when it has none
 * @param context the build context directory relative to the project root, normalized, with {@code
 *     /} separators and {@code .} for the root; null when the service has no build
 * @param dockerfile the Dockerfile named in the compose file, relative to the context, or null to
 *     use the template resolution order
 * @param buildArgs build arguments from the compose file, ordered by name
 * @param target the stage to build, or null for the last stage
 * @param image the {@code image:} reference, or null; with a build it only names the result
 * @param configuration every other field of the service as written in the compose file (maps,
 *     lists, strings, numbers, booleans), in file order
 * @param environment the service's environment (from a map or a {@code KEY=VALUE} list), in order
 * @param labels the service's labels (from a map or a {@code KEY=VALUE} list), in order
 */
public record ServiceSpec(
    String name,
    String file,
    int line,
    String context,
    String dockerfile,
    Map<String, String> buildArgs,
    String target,
    String image,
    Map<String, Object> configuration,
    Map<String, String> environment,
    Map<String, String> labels) {

  /** The name of the only service of a project with a Dockerfile and no compose file. */
  public static final String SINGLE_SERVICE = "main";

  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

  /**
   * @throws IllegalArgumentException naming the value when the name is invalid or the service has
   *     neither a build context nor an image
   */
  public ServiceSpec {
    Objects.requireNonNull(file, "file");
    if (name == null || name.length() > 63 || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Service name '"
              + name
              + "' is invalid: use at most 63 lower-case letters and digits, separated by '.',"
              + " '_' or '-'");
    }
    if (context == null && image == null) {
      throw new IllegalArgumentException("Service " + name + " needs a build context or an image");
    }
    buildArgs =
        buildArgs == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(buildArgs));
    configuration = unmodifiable(configuration);
    environment = unmodifiable(environment);
    labels = unmodifiable(labels);
  }

  /** Returns true when the service is built from source rather than taken as an image. */
  public boolean isBuilt() {
    return context != null;
  }

  private static <V> Map<String, V> unmodifiable(Map<String, V> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
