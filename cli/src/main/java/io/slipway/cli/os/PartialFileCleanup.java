package io.slipway.cli.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Deletes the temporary files of unfinished outputs when the process is stopped, such as by Ctrl-C,
 * while an image is being written. Images are written to {@code NAME.tmp-*} next to {@code NAME}
 * and renamed when complete; a failure inside the process deletes them itself, but a signal ends
 * the process without running its {@code finally} blocks, only its shutdown hooks. Close it once
 * writing has ended.
 */
final class PartialFileCleanup implements AutoCloseable {

  /** Infix of temporary files: {@code NAME.tmp-RANDOM}. */
  static final String TEMPORARY_INFIX = ".tmp-";

  private final List<Path> outputs;
  private final Thread hook;

  private PartialFileCleanup(List<Path> outputs) {
    this.outputs = List.copyOf(outputs);
    this.hook = new Thread(this::deletePartialFiles, "slipway-partial-file-cleanup");
  }

  /** Starts watching for a stop while {@code outputs} are being written. */
  static PartialFileCleanup watch(List<Path> outputs) {
    PartialFileCleanup cleanup = new PartialFileCleanup(outputs);
    Runtime.getRuntime().addShutdownHook(cleanup.hook);
    return cleanup;
  }

  /** Returns a new temporary file for {@code output} in its directory. */
  static Path temporaryFile(Path output) throws IOException {
    return Files.createTempFile(output.getParent(), output.getFileName() + TEMPORARY_INFIX, "");
  }

  /** Deletes the temporary files of every output; each file is checked by its name's prefix. */
  void deletePartialFiles() {
    for (Path output : outputs) {
      String prefix = output.getFileName() + TEMPORARY_INFIX;
      DirectoryStream.Filter<Path> temporary =
          file -> file.getFileName().toString().startsWith(prefix);
      try (DirectoryStream<Path> partial =
          Files.newDirectoryStream(output.getParent(), temporary)) {
        for (Path file : partial) {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        // The process is ending; nothing more can be done about a file that stays.
      }
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Shutdown has begun, and the hook runs.
    }
  }
}
