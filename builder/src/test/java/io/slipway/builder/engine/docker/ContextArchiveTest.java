package io.slipway.builder.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextArchiveTest {

  @TempDir Path context;

  @Test
  void listsEntriesSortedByPathWithDirectoriesMarked() throws IOException {
    Files.createDirectories(context.resolve("src/main"));
    Files.writeString(context.resolve("src/main/app.sh"), "echo hi\n");
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
    Files.writeString(context.resolve("b.txt"), "b");

    assertThat(names(archive()))
        .containsExactly("Dockerfile", "b.txt", "src/", "src/main/", "src/main/app.sh");
  }

  @Test
  void archiveIgnoresFileTimes() throws IOException {
    Path file = Files.writeString(context.resolve("app.txt"), "content");
    byte[] first = archive();

    Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L));
    Files.setLastModifiedTime(context, FileTime.fromMillis(1_600_000_000_000L));

    assertThat(archive()).isEqualTo(first);
  }

  @Test
  void entriesHaveTheFixedTimeAndRootOwner() throws IOException {
    Files.writeString(context.resolve("app.txt"), "content");

    TarArchiveEntry entry = entries(archive()).get(0);

    assertThat(entry.getModTime().toInstant()).isEqualTo(ContextArchive.ENTRY_TIME);
    assertThat(entry.getLongUserId()).isZero();
    assertThat(entry.getLongGroupId()).isZero();
    assertThat(entry.getUserName()).isEmpty();
  }

  @Test
  void keepsTheExecutableBit() throws IOException {
    Path script = Files.writeString(context.resolve("run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));

    assertThat(entries(archive()).get(0).getMode() & 07777).isEqualTo(0750);
  }

  @Test
  void keepsSymbolicLinksAsLinks() throws IOException {
    Files.writeString(context.resolve("target.txt"), "content");
    Files.createSymbolicLink(context.resolve("link.txt"), Path.of("target.txt"));

    TarArchiveEntry link = entries(archive()).get(0);

    assertThat(link.getName()).isEqualTo("link.txt");
    assertThat(link.isSymbolicLink()).isTrue();
    assertThat(link.getLinkName()).isEqualTo("target.txt");
  }

  @Test
  void keepsLongPaths() throws IOException {
    String deep = "a-directory-name-that-is-long/".repeat(5);
    Files.createDirectories(context.resolve(deep));
    Files.writeString(context.resolve(deep + "file-with-a-long-name.txt"), "x");

    assertThat(names(archive())).contains(deep + "file-with-a-long-name.txt");
  }

  @Test
  void rejectsNamedPipe() throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", context.resolve("pipe").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    assertThatThrownBy(this::archive)
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining("pipe");
  }

  private byte[] archive() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ContextArchive.write(context, out);
    return out.toByteArray();
  }

  private static List<TarArchiveEntry> entries(byte[] archive) throws IOException {
    List<TarArchiveEntry> entries = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        entries.add(entry);
      }
    }
    return entries;
  }

  private static List<String> names(byte[] archive) throws IOException {
    return entries(archive).stream().map(TarArchiveEntry::getName).toList();
  }
}
