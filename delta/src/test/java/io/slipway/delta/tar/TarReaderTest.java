package io.slipway.delta.tar;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarReaderTest {

  private static final String LONG_NAME =
      "deep/" + "a-directory-name-of-forty-characters-xyz/".repeat(4) + "file.txt";

  @TempDir Path temp;

  @Test
  void gnuArchiveGivesContentOffsetsAndLongNames() throws IOException, InterruptedException {
    Path tar = archive("gnu");

    TarIndex index = index(tar);

    assertThat(paths(index))
        .contains("tree/" + LONG_NAME, "tree/file", "tree/link-hard", "tree/link-symbolic");
    assertThat(contentOf(tar, find(index, "tree/" + LONG_NAME))).isEqualTo("long named\n");
    assertThat(contentOf(tar, find(index, "tree/file"))).isEqualTo("small file\n");
    assertThat(find(index, "tree/link-symbolic").linkName()).isEqualTo("file");
    assertThat(find(index, "tree/link-hard").linkName()).isEqualTo("tree/file");
    assertThat(find(index, "tree/link-hard").size()).isZero();
  }

  @Test
  void paxArchiveGivesContentOffsetsAndLongNames() throws IOException, InterruptedException {
    Path tar = archive("pax");

    TarIndex index = index(tar);

    assertThat(contentOf(tar, find(index, "tree/" + LONG_NAME))).isEqualTo("long named\n");
    assertThat(find(index, "tree/" + LONG_NAME).headerLength()).isGreaterThan(512);
    assertThat(contentOf(tar, find(index, "tree/file"))).isEqualTo("small file\n");
  }

  @Test
  void ustarArchiveJoinsPrefixAndName() throws IOException, InterruptedException {
    Path tar = archive("ustar");

    TarIndex index = index(tar);

    assertThat(contentOf(tar, find(index, "tree/" + LONG_NAME))).isEqualTo("long named\n");
  }

  @Test
  void membersAndRestCoverTheArchive() throws IOException, InterruptedException {
    Path tar = archive("gnu");

    TarIndex index = index(tar);

    long at = 0;
    for (TarEntry entry : index.entries()) {
      assertThat(entry.headerOffset()).isEqualTo(at);
      at = entry.end();
    }
    assertThat(index.end()).isEqualTo(at);
    assertThat(index.size()).isEqualTo(Files.size(tar));
  }

  @Test
  void truncatedArchiveEndsBeforeTheCutMember() throws IOException, InterruptedException {
    Path tar = archive("gnu");
    TarIndex whole = index(tar);
    TarEntry file = find(whole, "tree/file");
    Path cut = temp.resolve("cut.tar");
    Files.write(cut, Arrays.copyOf(Files.readAllBytes(tar), (int) file.contentOffset() + 2));

    TarIndex index = index(cut);

    assertThat(index.entries()).hasSize(whole.entries().indexOf(file));
    assertThat(index.end()).isEqualTo(file.headerOffset());
  }

  @Test
  void bytesThatAreNoTarGiveNoMembers() throws IOException {
    Path junk = temp.resolve("junk");
    Files.write(junk, "not a tar archive at all".repeat(100).getBytes(StandardCharsets.US_ASCII));

    TarIndex index = index(junk);

    assertThat(index.entries()).isEmpty();
    assertThat(index.end()).isZero();
  }

  private Path archive(String format) throws IOException, InterruptedException {
    Path tarTool = RequiredTool.require("/usr/bin/tar", "tar");
    Path tree = temp.resolve("tree");
    Path longFile = tree.resolve(LONG_NAME);
    Files.createDirectories(longFile.getParent());
    Files.writeString(longFile, "long named\n");
    Files.writeString(tree.resolve("file"), "small file\n");
    Files.createSymbolicLink(tree.resolve("link-symbolic"), Path.of("file"));
    Files.createLink(tree.resolve("link-hard"), tree.resolve("file"));
    Path tar = temp.resolve(format + ".tar");
    Process process =
        new ProcessBuilder(
                tarTool.toString(),
                "--format=" + format,
                "--sort=name",
                "-cf",
                tar.toString(),
                "-C",
                temp.toString(),
                "tree")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
    return tar;
  }

  private static TarIndex index(Path tar) throws IOException {
    try (FileChannel channel = FileChannel.open(tar, StandardOpenOption.READ)) {
      return TarReader.read(channel);
    }
  }

  private static List<String> paths(TarIndex index) {
    List<String> paths = new ArrayList<>();
    index.entries().forEach(entry -> paths.add(entry.path()));
    return paths;
  }

  private static TarEntry find(TarIndex index, String path) {
    return index.entries().stream()
        .filter(entry -> entry.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError(path + " is not in " + paths(index)));
  }

  private static String contentOf(Path tar, TarEntry entry) throws IOException {
    try (FileChannel channel = FileChannel.open(tar, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate((int) entry.size());
      channel.read(buffer, entry.contentOffset());
      return new String(buffer.array(), StandardCharsets.UTF_8);
    }
  }
}
