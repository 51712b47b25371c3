package io.slipway.builder.engine.jib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveExtractorTest {

  @TempDir Path root;

  /** Builds a tar from (name, content) pairs; content null makes a directory, "->x" a link. */
  private static byte[] tar(String... pairs) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      for (int i = 0; i < pairs.length; i += 2) {
        String name = pairs[i];
        String content = pairs[i + 1];
        TarArchiveEntry entry;
        if (content == null) {
          entry = new TarArchiveEntry(name + "/");
        } else if (content.startsWith("->")) {
          entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
          entry.setLinkName(content.substring(2));
        } else {
          entry = new TarArchiveEntry(name);
          entry.setSize(content.getBytes(StandardCharsets.UTF_8).length);
        }
        tar.putArchiveEntry(entry);
        if (content != null && !content.startsWith("->")) {
          tar.write(content.getBytes(StandardCharsets.UTF_8));
        }
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private void extract(byte[] archive) throws IOException {
    ArchiveExtractor.extract(new ByteArrayInputStream(archive), root);
  }

  @Test
  void whiteoutDeletesALowerFile() throws IOException {
    extract(tar("etc", null, "etc/motd", "hello"));

    extract(tar("etc/.wh.motd", ""));

    assertThat(root.resolve("etc/motd")).doesNotExist();
  }

  @Test
  void opaqueWhiteoutEmptiesTheDirectory() throws IOException {
    extract(tar("opt", null, "opt/a", "a", "opt/b", "b"));

    extract(tar("opt/.wh..wh..opq", "", "opt/c", "c"));

    assertThat(root.resolve("opt")).isDirectoryContaining(p -> p.endsWith("c"));
    assertThat(root.resolve("opt/a")).doesNotExist();
  }

  @Test
  void dotDotEntriesAreSkipped() throws IOException {
    extract(tar("../escaped", "x"));

    assertThat(root.getParent().resolve("escaped")).doesNotExist();
  }

  @Test
  void fileBehindAnAbsoluteLinkStaysInside() throws IOException {
    Path outside = Files.createTempDirectory("outside");
    extract(tar("evil", "->" + outside, "evil/planted", "x"));

    assertThat(outside.resolve("planted")).doesNotExist();
    assertThat(root.resolve(outside.toString().substring(1)).resolve("planted")).exists();
  }

  @Test
  void plainTarIsAnArchive() throws IOException {
    Path file = Files.write(root.resolve("bundle.tar"), tar("a", "a"));

    assertThat(ArchiveExtractor.isArchive(file)).isTrue();
  }

  @Test
  void textFileIsNoArchive() throws IOException {
    Path file = Files.writeString(root.resolve("notes.txt"), "just text\n");

    assertThat(ArchiveExtractor.isArchive(file)).isFalse();
  }
}
