package io.slipway.builder.template;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.plan.BuildTarget;
import io.slipway.builder.project.ServiceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks and fills the Dockerfile a service builds for one device type, the way balena does.
 *
 * <p>Without a {@code dockerfile:} in the compose file, the first file of the build context that
 * exists in this order wins: {@code Dockerfile.<device-type>}, {@code Dockerfile.<arch>} (Slipway
 * architecture names: amd64, aarch64, armv7hf, rpi, i386), {@code Dockerfile.template}, {@code
 * Dockerfile}. Only {@code Dockerfile.template} is a template; the device- and
 * architecture-specific files are used as written.
 *
 * <p>With a {@code dockerfile:} in the compose file, that file is used for every device type, with
 * no device or architecture variants looked up; it is a template when its name ends in {@code
 * .template}. This follows balena's resolver, which likewise treats a named Dockerfile as final.
 *
 * <p>A {@code %%VARIABLE%%} in a file that is not a template is an error rather than text, since it
 * is almost always a template that was misnamed. Stateless and safe for concurrent use.
 */
public final class DockerfileResolver {

  private static final String TEMPLATE_SUFFIX = ".template";

  private DockerfileResolver() {}

  /**
   * Resolves the Dockerfile of {@code service} for {@code target}.
   *
   * @param root the project root
   * @param service a service with a build context
   * @param target the device type to build for
   * @throws BuildInputException naming the file, the line and the fix when no Dockerfile exists, a
   *     template uses an unknown variable, or a plain file contains one
   * @throws UncheckedIOException when the file cannot be read
   */
  public static ResolvedDockerfile resolve(Path root, ServiceSpec service, BuildTarget target) {
    String file = select(root, service, target);
    String text = read(root.resolve(file));
    if (file.endsWith(TEMPLATE_SUFFIX)) {
      String filled =
          TemplateVariables.fill(
              text,
              file,
              TemplateVariables.values(target.deviceType(), target.architecture(), service.name()));
      return new ResolvedDockerfile(file, filled, true);
    }
    TemplateVariables.rejectPlaceholders(text, file);
    return new ResolvedDockerfile(file, text, false);
  }

  /**
   * Returns the Dockerfile {@code service} uses for {@code target}, relative to the project root,
   * without reading it.
   *
   * @throws BuildInputException naming the candidates looked for when none exists
   */
  public static String select(Path root, ServiceSpec service, BuildTarget target) {
    if (!service.isBuilt()) {
      throw new IllegalArgumentException("Service " + service.name() + " has no build context");
    }
    List<String> candidates = candidates(service, target);
    for (String candidate : candidates) {
      if (Files.isRegularFile(root.resolve(candidate))) {
        return candidate;
      }
    }
    throw new BuildInputException(
        candidates.get(candidates.size() - 1),
        0,
        "service "
            + service.name()
            + " has no Dockerfile for device type "
            + target.deviceType()
            + "; looked for "
            + String.join(", ", candidates)
            + "; add one of them");
  }

  private static List<String> candidates(ServiceSpec service, BuildTarget target) {
    String prefix = service.context().equals(".") ? "" : service.context() + "/";
    List<String> candidates = new ArrayList<>();
    if (service.dockerfile() != null) {
      candidates.add(Path.of(prefix + service.dockerfile()).normalize().toString());
      return candidates;
    }
    candidates.add(prefix + "Dockerfile." + target.deviceType());
    candidates.add(prefix + "Dockerfile." + target.architecture());
    candidates.add(prefix + "Dockerfile" + TEMPLATE_SUFFIX);
    candidates.add(prefix + "Dockerfile");
    return candidates;
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Dockerfile " + path, e);
    }
  }
}
