package io.slipway.builder.pipeline;

import io.slipway.builder.context.FileTrees;
import io.slipway.builder.plan.BuildPlan;
import io.slipway.builder.plan.Partition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The working directory of one release's build: the order and the plan as JSON files, so that a
 * restarted job reads them back instead of carrying them in job parameters, and one prepared
 * context per partition. Removed when the job ends. Safe for concurrent use as long as two
 * partitions never share a context directory, which their distinct names ensure.
 */
final class BuildDirectory {

  private static final ObjectMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final Path root;

  private BuildDirectory(Path root) {
    this.root = root;
  }

  /** Returns the build directory of {@code releaseId} under {@code buildRoot}. */
  static BuildDirectory of(Path buildRoot, long releaseId) {
    return new BuildDirectory(buildRoot.resolve("release-" + releaseId));
  }

  /** Returns the build directory that contains {@code orderFile}. */
  static BuildDirectory ofOrderFile(Path orderFile) {
    return new BuildDirectory(orderFile.getParent());
  }

  Path root() {
    return root;
  }

  Path orderFile() {
    return root.resolve("order.json");
  }

  Path planFile() {
    return root.resolve("plan.json");
  }

  /**
   * Returns the file recording the registry address ({@code host:port}) of the plan's pinned
   * images.
   */
  Path registryFile() {
    return root.resolve("registry.txt");
  }

  void writeRegistry(String registry) {
    try {
      Files.writeString(registryFile(), registry);
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to write " + registryFile(), e);
    }
  }

  /** Returns the registry address the plan was made with, or empty for a plan without one. */
  Optional<String> readRegistry() {
    try {
      return Files.exists(registryFile())
          ? Optional.of(Files.readString(registryFile()).strip())
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to read " + registryFile(), e);
    }
  }

  /** Returns the directory for the prepared context of {@code partition}. */
  Path contextOf(Partition partition) {
    return root.resolve("contexts")
        .resolve(partition.service() + "-" + partition.platform().slug());
  }

  void writeOrder(BuildOrder order) {
    write(orderFile(), order);
  }

  BuildOrder readOrder() {
    return read(orderFile(), BuildOrder.class);
  }

  void writePlan(BuildPlan plan) {
    write(planFile(), plan);
  }

  BuildPlan readPlan() {
    return read(planFile(), BuildPlan.class);
  }

  /** Deletes the directory and everything in it; a missing directory is not an error. */
  void delete() {
    deleteTree(root);
  }

  /** Deletes {@code directory} and everything in it; a missing directory is not an error. */
  static void deleteTree(Path directory) {
    try {
      FileTrees.delete(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to delete build directory " + directory, e);
    }
  }

  private static void write(Path file, Object value) {
    try {
      Files.createDirectories(file.getParent());
      // Write beside the file and move it in place, so a crash never leaves half a file.
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      Files.write(partial, JSON.writeValueAsBytes(value));
      Files.move(
          partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to write " + file, e);
    }
  }

  private static <T> T read(Path file, Class<T> type) {
    try {
      return JSON.readValue(Files.readAllBytes(file), type);
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to read " + file, e);
    } catch (JacksonException e) {
      throw new PipelineException("File " + file + " is not a valid " + type.getSimpleName(), e);
    }
  }
}
