package io.slipway.api.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * The device types Slipway supports, read once from the class-path resource {@code
 * device-types.json}. Immutable and safe for concurrent use.
 */
public final class DeviceTypeCatalog {

  /** Class-path location of the built-in list. */
  public static final String RESOURCE = "/device-types.json";

  private final Map<String, DeviceType> types;

  private DeviceTypeCatalog(Map<String, DeviceType> types) {
    this.types = types;
  }

  /** Reads the built-in list. */
  public static DeviceTypeCatalog builtIn() {
    try (InputStream in = DeviceTypeCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Class-path resource " + RESOURCE + " is missing");
      }
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }

  /**
   * Parses a list in the form of {@code device-types.json}.
   *
   * @throws IllegalArgumentException when a device type names an unknown architecture, or a slug
   *     appears twice
   */
  public static DeviceTypeCatalog parse(InputStream json) {
    Document document = JsonMapper.builder().build().readValue(json, Document.class);

    Map<String, Architecture> architectures = new LinkedHashMap<>();
    for (ArchitectureEntry entry : document.architectures()) {
      architectures.put(
          entry.name(), new Architecture(entry.name(), entry.platform(), Set.copyOf(entry.runs())));
    }

    Map<String, DeviceType> types = new LinkedHashMap<>();
    for (DeviceTypeEntry entry : document.deviceTypes()) {
      Architecture architecture = architectures.get(entry.architecture());
      if (architecture == null) {
        throw new IllegalArgumentException(
            "Device type '"
                + entry.slug()
                + "' names unknown architecture '"
                + entry.architecture()
                + "'; declare it under 'architectures'");
      }
      DeviceType type = new DeviceType(entry.slug(), entry.name(), architecture);
      if (types.putIfAbsent(type.slug(), type) != null) {
        throw new IllegalArgumentException("Device type '" + type.slug() + "' is listed twice");
      }
    }
    return new DeviceTypeCatalog(Map.copyOf(types));
  }

  /** Returns the device type with {@code slug}, if known. */
  public Optional<DeviceType> find(String slug) {
    return slug == null ? Optional.empty() : Optional.ofNullable(types.get(slug));
  }

  /** Returns every device type, ordered by slug. */
  public List<DeviceType> all() {
    return types.values().stream()
        .sorted(java.util.Comparator.comparing(DeviceType::slug))
        .toList();
  }

  /** Returns the slugs of every device type, ordered, for error messages. */
  public List<String> slugs() {
    return all().stream().map(DeviceType::slug).toList();
  }

  private record Document(
      List<ArchitectureEntry> architectures, List<DeviceTypeEntry> deviceTypes) {}

  private record ArchitectureEntry(String name, String platform, List<String> runs) {}

  private record DeviceTypeEntry(String slug, String name, String architecture) {}
}
