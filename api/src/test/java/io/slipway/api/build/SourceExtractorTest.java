package io.slipway.api.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceExtractorTest {

  @TempDir Path work;

  private final SourceExtractor extractor = new SourceExtractor(1024 * 1024, 1000);

  @Test
  void extractsFilesDirectoriesAndTheExecuteBit() throws IOException {
    byte[] archive =
        new TarFixture()
            .file("./Dockerfile", "FROM scratch\n")
            .directory("app")
            .file("app/run.sh", "#!/bin/sh\n", 0755)
            .tar();

    Path tree = extract(archive);

    assertThat(tree.resolve("Dockerfile")).hasContent("FROM scratch");
    assertThat(Files.isExecutable(tree.resolve("app/run.sh"))).isTrue();
  }

  @Test
  void keepsModificationTimesForTheCreationTime() throws IOException {
    byte[] archive =
        new TarFixture()
            .modifiedAt(1_700_000_000L)
            .file("Dockerfile", "FROM scratch\n")
            .modifiedAt(1_750_000_000L)
            .file("app/newest.txt", "new\n")
            .modifiedAt(1_600_000_000L)
            .file("app/old.txt", "old\n")
            .tar();

    Path tree = extract(archive);

    assertThat(Files.getLastModifiedTime(tree.resolve("Dockerfile")).toInstant())
        .isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
    assertThat(SourceTime.newestFile(tree)).isEqualTo(Instant.ofEpochSecond(1_750_000_000L));
  }

  @Test
  void readsGzipCompressedArchives() throws IOException {
    Path tree = extract(new TarFixture().file("Dockerfile", "FROM scratch").tarGz());

    assertThat(tree.resolve("Dockerfile")).hasContent("FROM scratch");
  }

  @Test
  void takesLongNamesFromPaxAndGnuHeaders() throws IOException {
    String deep = "a/".repeat(60) + "file.txt";
    byte[] archive =
        new TarFixture().paxFile(deep, "pax").gnuLongNameFile("b/" + deep, "gnu").tar();

    Path tree = extract(archive);

    assertThat(tree.resolve(deep)).hasContent("pax");
    assertThat(tree.resolve("b/" + deep)).hasContent("gnu");
  }

  @Test
  void copiesHardLinksToEarlierFiles() throws IOException {
    Path tree = extract(new TarFixture().file("one", "same").hardLink("two", "one").tar());

    assertThat(tree.resolve("two")).hasContent("same");
  }

  @Test
  void keepsSymbolicLinksInsideTheTree() throws IOException {
    byte[] archive =
        new TarFixture()
            .file("common/config", "shared")
            .symlink("app/config", "../common/config")
            .tar();

    Path tree = extract(archive);

    assertThat(Files.isSymbolicLink(tree.resolve("app/config"))).isTrue();
    assertThat(tree.resolve("app/config")).hasContent("shared");
  }

  @Test
  void rejectsAbsolutePaths() {
    assertUnsafe(new TarFixture().file("/etc/passwd", "x").tar(), "/etc/passwd");
  }

  @Test
  void rejectsParentDirectoryComponents() {
    assertUnsafe(new TarFixture().file("app/../../outside", "x").tar(), "app/../../outside");
  }

  @Test
  void rejectsSymbolicLinksToAbsolutePaths() {
    assertUnsafe(new TarFixture().symlink("etc", "/etc").tar(), "'etc'");
  }

  @Test
  void rejectsSymbolicLinksLeavingTheTree() {
    assertUnsafe(new TarFixture().symlink("app/up", "../../x").tar(), "app/up");
  }

  @Test
  void rejectsEntriesWrittenThroughASymbolicLink() {
    byte[] archive =
        new TarFixture().directory("real").symlink("link", "real").file("link/file", "x").tar();

    assertUnsafe(archive, "link/file");
  }

  @Test
  void rejectsChainsOfLinksThatLeaveTheTree() {
    byte[] archive = new TarFixture().symlink("here", ".").symlink("up", "here/..").tar();

    assertUnsafe(archive, "'up'");
  }

  @Test
  void rejectsAFileReplacingALink() {
    byte[] archive =
        new TarFixture().file("target", "x").symlink("link", "target").file("link", "y").tar();

    assertUnsafe(archive, "'link'");
  }

  @Test
  void rejectsDeviceFiles() {
    assertUnsafe(new TarFixture().characterDevice("dev/null").tar(), "dev/null");
  }

  @Test
  void rejectsNamedPipes() {
    assertUnsafe(new TarFixture().fifo("pipe").tar(), "'pipe'");
  }

  @Test
  void rejectsHardLinksToFilesNotExtracted() {
    assertUnsafe(new TarFixture().hardLink("passwd", "etc/passwd").tar(), "'passwd'");
  }

  @Test
  void rejectsArchivesThatUnpackBeyondTheCap() {
    byte[] archive = new TarFixture().file("big", "x".repeat(2 * 1024 * 1024)).tarGz();

    assertUnsafe(archive, "'big'");
  }

  @Test
  void reportsAnArchiveCutShort() {
    byte[] whole = new TarFixture().file("Dockerfile", "x".repeat(2000)).tar();
    byte[] cut = Arrays.copyOf(whole, 1000);

    assertMalformed(cut, "ends in the middle");
  }

  @Test
  void reportsAGzipStreamCutShortNamingTheEntry() {
    StringBuilder content = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      content.append(Integer.toHexString(i * 7919)).append('\n');
    }
    byte[] whole = new TarFixture().file("data.txt", content.toString()).tarGz();
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);

    assertMalformed(cut, "cut short or corrupt at entry 'data.txt'");
  }

  @Test
  void reportsANameComponentLongerThanTheFileSystemAllows() {
    String name = "dir/" + "n".repeat(300);

    assertMalformed(new TarFixture().paxFile(name, "x").tar(), "name component of 300 bytes");
  }

  @Test
  void reportsAPathLongerThanTheFileSystemAllows() {
    String name = "abcdefghi/".repeat(600) + "file.txt";

    assertMalformed(new TarFixture().paxFile(name, "x").tar(), "bytes per path");
  }

  @Test
  void reportsAFileBelowAFileNamingTheEntry() {
    byte[] archive = new TarFixture().file("a", "file").file("a/b", "below").tar();

    assertMalformed(archive, "Tar entry 'a/b' cannot be written");
  }

  @Test
  void reportsBytesThatAreNotATarArchive() {
    byte[] text = "{\"not\": \"a tar archive\"}".repeat(40).getBytes();

    assertMalformed(text, "Not a tar archive");
  }

  @Test
  void reportsAnArchiveWithoutFiles() {
    assertMalformed(new byte[1024], "no files");
  }

  private Path extract(byte[] archive) throws IOException {
    Path file = Files.write(work.resolve("source.tar"), archive);
    Path tree = Files.createDirectories(work.resolve("tree"));
    extractor.extract(file, tree);
    return tree;
  }

  private void assertUnsafe(byte[] archive, String named) {
    assertThatThrownBy(() -> extract(archive))
        .isInstanceOfSatisfying(SourceArchiveException.class, e -> assertThat(e.unsafe()).isTrue())
        .hasMessageContaining(named);
  }

  private void assertMalformed(byte[] archive, String reason) {
    assertThatThrownBy(() -> extract(archive))
        .isInstanceOfSatisfying(SourceArchiveException.class, e -> assertThat(e.unsafe()).isFalse())
        .hasMessageContaining(reason);
  }
}
