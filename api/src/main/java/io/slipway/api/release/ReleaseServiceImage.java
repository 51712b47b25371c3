package io.slipway.api.release;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One service of a release: its image, and the environment and labels the build gave it. Immutable;
 * the maps are copied and ordered by key.
 *
 * @param service the service name, a registry path component of at most 63 characters
 * @param image the image pinned by digest; null while a running release has not got it yet
 * @param environment environment variables from the build; variables of the fleet and device
 *     override them in a device's target state
 * @param labels container labels, such as {@code io.slipway.features.supervisor-api}
 * @param configuration the rest of the service's compose entry, such as {@code ports}, {@code
 *     volumes}, {@code network_mode}, {@code privileged} and {@code restart}, as JSON values (maps,
 *     lists, strings, numbers, booleans); kept in the order given
 */
public record ReleaseServiceImage(
    String service,
    ImageReference image,
    Map<String, String> environment,
    Map<String, String> labels,
    Map<String, Object> configuration) {

  private static final Pattern SERVICE_NAME =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final int MAX_SERVICE_NAME = 63;

  /**
   * @throws IllegalArgumentException naming the service when its name is malformed, or naming the
   *     key when an environment or label entry has an empty key or a null value
   */
  public ReleaseServiceImage {
    requireServiceName(service);
    environment = copy(service, "environment", environment);
    labels = copy(service, "labels", labels);
    configuration = copyConfiguration(service, configuration);
  }

  /** Creates a service without compose configuration. */
  public ReleaseServiceImage(
      String service,
      ImageReference image,
      Map<String, String> environment,
      Map<String, String> labels) {
    this(service, image, environment, labels, null);
  }

  private static Map<String, Object> copyConfiguration(
      String service, Map<String, Object> configuration) {
    Map<String, Object> copy = new LinkedHashMap<>();
    if (configuration == null) {
      return Collections.unmodifiableMap(copy);
    }
    configuration.forEach(
        (key, value) -> {
          if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException(
                "Service '"
                    + service
                    + "' has a configuration entry without a name: name each compose field");
          }
          copy.put(key, value);
        });
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Checks a service name: lower-case letters and digits, separated by {@code .}, {@code _}, {@code
   * __} or dashes, at most 63 characters.
   *
   * @throws IllegalArgumentException naming {@code service} when it is malformed
   */
  public static String requireServiceName(String service) {
    if (service == null
        || service.length() > MAX_SERVICE_NAME
        || !SERVICE_NAME.matcher(service).matches()) {
      throw new IllegalArgumentException(
          "Service name '"
              + service
              + "' is invalid: use lower-case letters and digits separated by '.', '_' or '-',"
              + " at most "
              + MAX_SERVICE_NAME
              + " characters, such as 'web' or 'sensor-reader'");
    }
    return service;
  }

  private static Map<String, String> copy(
      String service, String what, Map<String, String> entries) {
    Map<String, String> copy = new TreeMap<>();
    if (entries == null) {
      return Collections.unmodifiableMap(copy);
    }
    entries.forEach(
        (key, value) -> {
          if (key == null || key.isEmpty() || value == null) {
            throw new IllegalArgumentException(
                "Service '"
                    + service
                    + "' has an "
                    + what
                    + " entry '"
                    + key
                    + "' without a name or value: give each entry a non-empty name and a string"
                    + " value");
          }
          copy.put(key, value);
        });
    return Collections.unmodifiableMap(copy);
  }

  /** Returns true when the image is set, which a successful release needs for each service. */
  public boolean hasImage() {
    return image != null;
  }
}
