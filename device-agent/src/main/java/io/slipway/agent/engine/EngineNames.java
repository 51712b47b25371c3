package io.slipway.agent.engine;

import io.slipway.delta.image.Digest;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names one device's agent gives to things in a shared container engine: containers {@code
 * slipway_UUID8_SERVICE}, named volumes {@code slipway_UUID8_VOLUME} and image tags {@code
 * slipway/UUID8/SERVICE:HEX12}, where UUID8 is the first eight hex digits of the device UUID and
 * HEX12 the first twelve of the platform manifest's digest. Labels, not these names, decide which
 * containers belong to the device; the names only keep two devices on one engine apart. Immutable.
 *
 * @param deviceUuid the device's UUID, 32 lower-case hex digits (dashes are accepted and dropped)
 */
record EngineNames(String deviceUuid) {

  /** Service and volume names: a letter or digit, then letters, digits and . _ -, 63 at most. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private static final Pattern UUID = Pattern.compile("[0-9a-f]{32}");

  /**
   * @throws IllegalArgumentException naming the value when it is not 32 hex digits
   */
  EngineNames {
    String plain = deviceUuid == null ? null : deviceUuid.replace("-", "");
    if (plain == null || !UUID.matcher(plain).matches()) {
      throw new IllegalArgumentException(
          "Device UUID '" + deviceUuid + "' is invalid: use 32 lower-case hex digits");
    }
    deviceUuid = plain;
  }

  /** Returns the container name of {@code service}. */
  String container(String service) {
    return "slipway_" + shortUuid() + "_" + requireName("service", service);
  }

  /** Returns the engine's name for the release's named volume {@code volume}. */
  String volume(String volume) {
    return "slipway_" + shortUuid() + "_" + requireName("volume", volume);
  }

  /** Returns the tag under which the image of {@code service} is loaded. */
  String imageTag(String service, Digest manifest) {
    // Repository names must be lower case; the container name keeps the service's own case.
    String repository = requireName("service", service).toLowerCase(Locale.ROOT).replace('.', '-');
    return imagePrefix() + repository + ":" + manifest.hex().substring(0, 12);
  }

  /** Returns the start of every image tag of this device, {@code slipway/UUID8/}. */
  String imagePrefix() {
    return "slipway/" + shortUuid() + "/";
  }

  /** Returns the first eight hex digits of the UUID. */
  String shortUuid() {
    return deviceUuid.substring(0, 8);
  }

  /**
   * Returns {@code name} when it may name a service or volume; it then is safe as a path component
   * and inside container and volume names too.
   *
   * @throws IllegalArgumentException naming the value when it is not
   */
  static String requireName(String kind, String name) {
    if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException(
          "The "
              + kind
              + " name '"
              + name
              + "' is invalid: use 1 to 63 letters, digits and . _ -, starting with a letter or"
              + " digit");
    }
    return name;
  }
}
