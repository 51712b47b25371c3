package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives made by common command-line tools: rebuilt exactly, or rejected, never guessed. */
class ArchiveToolsTest {

  @TempDir Path directory;

  @Test
  void rejectsPigzOutput() throws Exception {
    Path pigz = RequiredTool.require("/usr/bin/pigz", "pigz");
    Path content = Files.write(directory.resolve("content"), SampleContent.of(1024 * 1024, 5));
    Path blob = directory.resolve("content.gz");

    run(directory, blob, pigz.toString(), "-n", "-6", "-c", content.toString());

    assertThat(GzipReproducer.find(blob)).isEmpty();
  }

  @Test
  void rebuildsZipCommandArchivesExactly() throws Exception {
    Path zip = RequiredTool.require("/usr/bin/zip", "zip");
    Path newJar = TestJars.newJars().get(0);
    byte[] oldZip = zipped(zip, TestJars.oldJarFor(newJar), "old");
    byte[] newZip = zipped(zip, newJar, "new");

    List<ZipPart> parts =
        ZipEncoder.plan(oldZip, ZipArchive.parse(oldZip), newZip, ZipArchive.parse(newZip));

    System.out.printf("zip -9 of %s: %s%n", newJar.getFileName(), PlanRebuilder.countKinds(parts));
    assertThat(parts).anyMatch(ZipPart.Deflated.class::isInstance);
    PlanRebuilder.assertRebuildsExactly(parts, oldZip, newZip);
  }

  /** Extracts {@code jar} and archives its files again with Info-ZIP's {@code zip -9}. */
  private byte[] zipped(Path zip, Path jar, String name) throws Exception {
    Path files = Files.createDirectories(directory.resolve(name));
    extract(jar, files);
    Path archive = directory.resolve(name + ".zip");
    run(files, null, zip.toString(), "-q", "-r", "-9", "-X", archive.toString(), ".");
    return Files.readAllBytes(archive);
  }

  private static void extract(Path jar, Path target) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        Path file = target.resolve(entry.getName()).normalize();
        if (!file.startsWith(target)) {
          throw new IOException("Entry " + entry.getName() + " escapes " + target);
        }
        if (entry.isDirectory()) {
          Files.createDirectories(file);
          continue;
        }
        Files.createDirectories(file.getParent());
        // ZipInputStream reads up to the end of the current entry.
        Files.write(file, in.readAllBytes());
      }
    }
  }

  private static void run(Path workingDirectory, Path output, String... command) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workingDirectory.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    if (output != null) {
      builder.redirectOutput(output.toFile());
    }
    Process process = builder.start();
    assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
  }
}
