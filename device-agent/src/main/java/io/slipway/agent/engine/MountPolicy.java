package io.slipway.agent.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which mounts a service's container gets. A release is code its developers control, so
 * host paths are granted by the device, not asked for by the release:
 *
 * <ul>
 *   <li>A named volume ({@code data:/var/data}) becomes an engine volume private to the device
 *       ({@code slipway_UUID8_data}); it survives updates.
 *   <li>An absolute host path ({@code /srv/x:/x}) is accepted only when it lies inside one of the
 *       directories the device's operator allowed ({@link #allowedRoots}, none by default).
 *       Symbolic links are resolved first, so a link a container wrote into an allowed directory
 *       cannot lead out of it.
 *   <li>Feature labels grant fixed host paths, as balena's supervisor does: {@code
 *       io.slipway.features.sysfs} ({@code /sys}), {@code .procfs} ({@code /proc}), {@code
 *       .kernel-modules} ({@code /lib/modules}, read-only), {@code .firmware} ({@code
 *       /lib/firmware}, read-only), {@code .journal-logs} (the journal and {@code /etc/machine-id},
 *       read-only). The {@code io.balena.features.} forms are read too. The engine's socket is not
 *       offered: it would hand the service every other container and the host.
 * </ul>
 *
 * <p>NOTE: a service with {@code privileged: true} can reach the host anyway; this policy keeps
 * ordinary services from it and makes host access visible in the release's labels.
 *
 * <p>Immutable and thread-safe.
 *
 * @param allowedRoots host directories a release may bind from, absolute
 */
record MountPolicy(List<Path> allowedRoots) {

  /** One mount of a container: an engine volume or a host path, at {@code target}. */
  record Mount(String source, String target, boolean readOnly) {

    /** Returns the mount in the engine's {@code Binds} form. */
    String bind() {
      return source + ":" + target + (readOnly ? ":ro" : ":rw");
    }
  }

  private static final Map<String, List<Mount>> FEATURES = features();

  /**
   * @throws IllegalArgumentException naming the value when a root is not absolute
   */
  MountPolicy {
    allowedRoots = List.copyOf(allowedRoots);
    for (Path root : allowedRoots) {
      if (!root.isAbsolute()) {
        throw new IllegalArgumentException(
            "Allowed bind mount directory '" + root + "' is not absolute: write it from /");
      }
    }
  }

  /** Returns a policy that allows no host path outside the feature labels. */
  static MountPolicy none() {
    return new MountPolicy(List.of());
  }

  /**
   * Returns the mounts of {@code service}: its {@code volumes} entries, then those its feature
   * labels grant.
   *
   * @param volumes the compose {@code volumes} value: a list of short ({@code SOURCE:TARGET[:ro]})
   *     or long ({@code {type, source, target, read_only}}) entries, or null
   * @throws IllegalArgumentException naming the service and entry when an entry is malformed or
   *     requests a host path outside the allowed directories
   */
  List<Mount> mounts(
      EngineNames names, String service, Object volumes, Map<String, String> labels) {
    List<Mount> mounts = new ArrayList<>();
    for (Object entry : entries(service, volumes)) {
      mounts.add(mount(names, service, entry));
    }
    for (Map.Entry<String, List<Mount>> feature : FEATURES.entrySet()) {
      if (enabled(labels, "io.slipway.features." + feature.getKey())
          || enabled(labels, "io.balena.features." + feature.getKey())) {
        mounts.addAll(feature.getValue());
      }
    }
    return mounts;
  }

  private static List<?> entries(String service, Object volumes) {
    if (volumes == null) {
      return List.of();
    }
    if (volumes instanceof List<?> list) {
      return list;
    }
    throw new IllegalArgumentException(
        "Service " + service + " has volumes '" + volumes + "': write them as a list");
  }

  private Mount mount(EngineNames names, String service, Object entry) {
    if (entry instanceof String text) {
      return shortForm(names, service, text);
    }
    if (entry instanceof Map<?, ?> map) {
      return longForm(names, service, map);
    }
    throw new IllegalArgumentException(
        "Service " + service + " has a volumes entry '" + entry + "' that is neither text nor map");
  }

  private Mount shortForm(EngineNames names, String service, String entry) {
    String[] parts = entry.split(":", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "Service "
              + service
              + " has volumes entry '"
              + entry
              + "': write SOURCE:TARGET or SOURCE:TARGET:ro (anonymous volumes are not supported)");
    }
    boolean readOnly = parts.length == 3 && parts[2].equals("ro");
    if (parts.length == 3 && !readOnly && !parts[2].equals("rw")) {
      throw new IllegalArgumentException(
          "Service "
              + service
              + " has volumes entry '"
              + entry
              + "' with mode '"
              + parts[2]
              + "': use ro or rw");
    }
    return resolve(names, service, parts[0], parts[1], readOnly);
  }

  private Mount longForm(EngineNames names, String service, Map<?, ?> entry) {
    Object type = entry.get("type");
    Object source = entry.get("source");
    Object target = entry.get("target");
    boolean readOnly = Boolean.TRUE.equals(entry.get("read_only"));
    if (!(source instanceof String from) || !(target instanceof String to)) {
      throw new IllegalArgumentException(
          "Service " + service + " has volumes entry " + entry + " without source and target");
    }
    if (type != null && !type.equals("volume") && !type.equals("bind")) {
      throw new IllegalArgumentException(
          "Service "
              + service
              + " has volumes entry "
              + entry
              + " of type '"
              + type
              + "': use volume or bind");
    }
    boolean hostPath = from.startsWith("/") || from.startsWith(".");
    if ("bind".equals(type) != hostPath && type != null) {
      throw new IllegalArgumentException(
          "Service "
              + service
              + " has volumes entry "
              + entry
              + ": a bind needs an absolute source and a volume a name");
    }
    return resolve(names, service, from, to, readOnly);
  }

  private Mount resolve(
      EngineNames names, String service, String source, String target, boolean readOnly) {
    if (!target.startsWith("/")) {
      throw new IllegalArgumentException(
          "Service " + service + " mounts at '" + target + "': the target must be absolute");
    }
    if (source.startsWith(".")) {
      throw new IllegalArgumentException(
          "Service "
              + service
              + " binds the relative host path "
              + source
              + ": a device has no compose directory, so write an absolute path");
    }
    if (source.startsWith("/")) {
      return new Mount(allowedHostPath(service, source).toString(), target, readOnly);
    }
    return new Mount(names.volume(source), target, readOnly);
  }

  private Path allowedHostPath(String service, String source) {
    Path requested = Path.of(source).normalize();
    Path real = realPath(requested);
    for (Path root : allowedRoots) {
      Path realRoot = realPath(root.normalize());
      if (requested.startsWith(root.normalize()) && real.startsWith(realRoot)) {
        return real;
      }
    }
    throw new IllegalArgumentException(
        "Service "
            + service
            + " asks to bind the host path "
            + source
            + ", which is outside the directories this device allows ("
            + (allowedRoots.isEmpty() ? "none" : allowedRoots)
            + "): use a named volume, a feature label, or allow the directory on the device");
  }

  private static Path realPath(Path path) {
    try {
      return Files.exists(path) ? path.toRealPath() : path;
    } catch (IOException e) {
      return path;
    }
  }

  private static boolean enabled(Map<String, String> labels, String key) {
    String value = labels.get(key);
    return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
  }

  private static Map<String, List<Mount>> features() {
    Map<String, List<Mount>> features = new LinkedHashMap<>();
    features.put("sysfs", List.of(new Mount("/sys", "/sys", false)));
    features.put("procfs", List.of(new Mount("/proc", "/proc", false)));
    features.put("kernel-modules", List.of(new Mount("/lib/modules", "/lib/modules", true)));
    features.put("firmware", List.of(new Mount("/lib/firmware", "/lib/firmware", true)));
    features.put(
        "journal-logs",
        List.of(
            new Mount("/var/log/journal", "/var/log/journal", true),
            new Mount("/run/log/journal", "/run/log/journal", true),
            new Mount("/etc/machine-id", "/etc/machine-id", true)));
    return Collections.unmodifiableMap(features);
  }
}
