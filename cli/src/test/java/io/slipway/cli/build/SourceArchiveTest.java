package io.slipway.cli.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source archive that push and build upload. */
class SourceArchiveTest {

  @TempDir Path project;
  @TempDir Path work;

  @Test
  void archivesTheProjectHonouringTheRootDockerignore() throws Exception {
    Files.writeString(project.resolve("docker-compose.yml"), "services:\n  a:\n    build: a\n");
    Files.createDirectories(project.resolve("a/node_modules/x"));
    Files.writeString(project.resolve("a/Dockerfile"), "FROM b\n");
    Files.writeString(project.resolve("a/node_modules/x/i.js"), "1\n");
    Files.writeString(project.resolve(".dockerignore"), "**/node_modules\nDockerfile\n");
    String longName = "a/" + "deep/".repeat(25) + "file.txt";
    Files.createDirectories(project.resolve(longName).getParent());
    Files.writeString(project.resolve(longName), "long\n");
    Path archive = work.resolve("source.tar.gz");

    SourceArchive.write(project, archive);

    List<String> names = tarNames(archive);
    assertThat(names)
        .contains("docker-compose.yml", ".dockerignore", "a/Dockerfile", longName)
        .noneMatch(name -> name.contains("node_modules"));
  }

  @Test
  void leavesOutGitDirectoriesAndFilesWithoutADockerignore() throws Exception {
    Files.writeString(project.resolve("Dockerfile"), "FROM b\n");
    Files.createDirectories(project.resolve(".git/objects/ab"));
    Files.writeString(project.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    Files.writeString(project.resolve(".git/objects/ab/cdef"), "x");
    Files.createDirectories(project.resolve("vendor/lib"));
    Files.writeString(project.resolve("vendor/lib/.git"), "gitdir: ../../.git/modules/lib\n");
    Files.writeString(project.resolve("vendor/lib/lib.c"), "int x;\n");
    Path archive = work.resolve("source.tar.gz");

    int entries = SourceArchive.write(project, archive);

    assertThat(tarNames(archive))
        .containsExactly("Dockerfile", "vendor", "vendor/lib", "vendor/lib/lib.c");
    assertThat(entries).isEqualTo(4);
  }

  /** Lists the entry names of a tar.gz, reading PAX path records. */
  private static List<String> tarNames(Path archive) throws IOException {
    byte[] tar;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      in.transferTo(buffer);
      tar = buffer.toByteArray();
    }
    List<String> names = new ArrayList<>();
    String paxPath = null;
    int offset = 0;
    while (offset + 512 <= tar.length && tar[offset] != 0) {
      String name = text(tar, offset, 100);
      long size = Long.parseLong(text(tar, offset + 124, 12).strip(), 8);
      char type = (char) tar[offset + 156];
      int body = offset + 512;
      if (type == 'x') {
        String records = new String(tar, body, (int) size, StandardCharsets.UTF_8);
        paxPath = records.substring(records.indexOf("path=") + 5, records.indexOf('\n'));
      } else {
        names.add(paxPath != null ? paxPath : name.replaceAll("/$", ""));
        paxPath = null;
      }
      offset = body + (int) ((size + 511) / 512 * 512);
    }
    return names;
  }

  private static String text(byte[] block, int offset, int length) {
    int end = offset;
    while (end < offset + length && block[end] != 0) {
      end++;
    }
    return new String(block, offset, end - offset, StandardCharsets.UTF_8);
  }
}
