package io.slipway.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir Path directory;

  @Test
  void writeCreatesFileWithContent() throws IOException {
    Path target = directory.resolve("state.json");

    AtomicFiles.write(target, "{}".getBytes(UTF_8));

    assertThat(target).hasContent("{}");
  }

  @Test
  void writeReplacesExistingFile() throws IOException {
    Path target = directory.resolve("state.json");
    Files.writeString(target, "old");

    AtomicFiles.write(target, "new".getBytes(UTF_8));

    assertThat(target).hasContent("new");
  }

  @Test
  void writeLeavesNoTemporaryFile() throws IOException {
    AtomicFiles.write(directory.resolve("state.json"), "{}".getBytes(UTF_8));

    assertThat(namesIn(directory)).containsExactly("state.json");
  }

  @Test
  void writeKeepsPermissionsOfReplacedFile() throws IOException {
    Path target = existingFile("config.json", "rw-rw----");

    AtomicFiles.write(target, "new".getBytes(UTF_8));

    assertThat(permissionsOf(target)).isEqualTo("rw-rw----");
  }

  @Test
  void writeMakesNewFileWorldReadable() throws IOException {
    Path target = directory.resolve("state.json");

    AtomicFiles.write(target, "{}".getBytes(UTF_8));

    assertThat(permissionsOf(target)).isEqualTo("rw-r--r--");
  }

  @Test
  void writePrivateMakesFileOwnerOnly() throws IOException {
    Path target = existingFile("registration.json", "rw-r--r--");

    AtomicFiles.writePrivate(target, "secret".getBytes(UTF_8));

    assertThat(permissionsOf(target)).isEqualTo("rw-------");
  }

  @Test
  void deleteTemporaryFilesOfTargetKeepsOtherFiles() throws IOException {
    Path target = directory.resolve("config.json");
    Files.writeString(target, "{}");
    Files.writeString(directory.resolve(".config.json.123.tmp"), "{}");
    Files.writeString(directory.resolve(".cmdline.txt.123.tmp"), "");

    int deleted = AtomicFiles.deleteTemporaryFilesOf(target);

    assertThat(deleted).isEqualTo(1);
    assertThat(directory.resolve(".config.json.123.tmp")).doesNotExist();
    assertThat(directory.resolve(".cmdline.txt.123.tmp")).exists();
    assertThat(target).exists();
  }

  @Test
  void failedRenameLeavesTargetAndNoTemporaryFile() throws IOException {
    // A non-empty directory cannot be replaced by a rename, so the last step fails.
    Path target = directory.resolve("busy");
    Files.createDirectory(target);
    Files.writeString(target.resolve("inside"), "kept");

    assertThatThrownBy(() -> AtomicFiles.write(target, "new".getBytes(UTF_8)))
        .isInstanceOf(IOException.class);

    assertThat(target.resolve("inside")).hasContent("kept");
    assertThat(namesIn(directory)).containsExactly("busy");
  }

  @Test
  void moveReplacesTarget() throws IOException {
    Path source = directory.resolve("download.part");
    Path target = directory.resolve("blob");
    Files.writeString(source, "new");
    Files.writeString(target, "old");

    AtomicFiles.move(source, target);

    assertThat(target).hasContent("new");
    assertThat(source).doesNotExist();
  }

  @Test
  void deleteReportsWhetherFileExisted() throws IOException {
    Path file = directory.resolve("registration.json");
    Files.writeString(file, "{}");

    assertThat(AtomicFiles.delete(file)).isTrue();
    assertThat(file).doesNotExist();
    assertThat(AtomicFiles.delete(file)).isFalse();
  }

  @Test
  void deleteTemporaryFilesRemovesOnlyLeftovers() throws IOException {
    Files.writeString(directory.resolve(".config.json.123.tmp"), "half");
    Files.writeString(directory.resolve("config.json"), "{}");
    Files.writeString(directory.resolve("notes.tmp"), "not ours");

    int deleted = AtomicFiles.deleteTemporaryFiles(directory);

    assertThat(deleted).isEqualTo(1);
    assertThat(namesIn(directory)).containsExactlyInAnyOrder("config.json", "notes.tmp");
  }

  @Test
  void deleteTemporaryFilesIgnoresMissingDirectory() throws IOException {
    assertThat(AtomicFiles.deleteTemporaryFiles(directory.resolve("absent"))).isZero();
  }

  private static String[] namesIn(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(file -> file.getFileName().toString()).toArray(String[]::new);
    }
  }

  /** Writes "old" to {@code name} in the test directory with {@code permissions}. */
  private Path existingFile(String name, String permissions) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  private static String permissionsOf(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }
}
