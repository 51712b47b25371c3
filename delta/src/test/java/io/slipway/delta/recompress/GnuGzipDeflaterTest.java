package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.slipway.testing.tool.RequiredTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link GnuGzipDeflater} against the real GNU gzip: for each input, the deflate body of {@code
 * /usr/bin/gzip -n -LEVEL -c FILE} (its 10-byte header and 8-byte trailer removed) must equal the
 * deflater's output byte for byte.
 */
class GnuGzipDeflaterTest {

  private static final int GZIP_HEADER = 10;
  private static final int GZIP_TRAILER = 8;

  @TempDir Path temp;

  @ParameterizedTest
  @ValueSource(ints = {1, 6, 9})
  void matchesGzipOnContentOfManySizes(int level) throws IOException {
    for (int size : new int[] {0, 1, 2, 3, 100, 65_536, 100_000, 1_000_000, 5_000_000}) {
      assertMatchesGzip(SampleContent.of(size, size), level, "sample of " + size + " bytes");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9})
  void matchesGzipAtEveryLevel(int level) throws IOException {
    assertMatchesGzip(SampleContent.of(300_000, 7), level, "mixed sample");
    assertMatchesGzip(repeatedLine(400_000), level, "one repeated line");
    assertMatchesGzip(new byte[1_000_000], level, "zeros");
    assertMatchesGzip(randomBytes(300_000), level, "random bytes");
    assertMatchesGzip(prose(200_000), level, "prose");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 6, 9})
  void matchesGzipOnSharedLibraries(int level) throws IOException {
    for (Path library : sharedLibraries(3)) {
      assertMatchesGzip(Files.readAllBytes(library), level, library.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {6, 9})
  void matchesGzipOnInstalledChangelogsAndManPages(int level) throws IOException {
    for (Path file : installedGzipFiles(40)) {
      assertMatchesGzip(gunzip(file), level, file.toString());
    }
  }

  @Test
  void reproducesInstalledGzipFilesThroughTheReproducer() throws IOException {
    List<Path> files = installedGzipFiles(60);
    int reproduced = 0;
    for (Path file : files) {
      byte[] gzip = Files.readAllBytes(file);
      byte[] body = Arrays.copyOfRange(gzip, GZIP_HEADER, gzip.length - GZIP_TRAILER);
      if (DeflateReproducer.find(body, gunzip(file)).isPresent()) {
        reproduced++;
      }
    }

    assertThat(reproduced).as("installed gzip files with a recipe").isEqualTo(files.size());
  }

  @Test
  void outputIgnoresWriteSizes() throws IOException {
    byte[] content = SampleContent.of(400_000, 3);
    byte[] whole = compress(content, 9, content.length);

    assertThat(compress(content, 9, 1_000)).isEqualTo(whole);
    assertThat(compress(content, 9, 70_000)).isEqualTo(whole);
    assertThat(compress(Arrays.copyOf(content, 3_000), 9, 1))
        .isEqualTo(compress(Arrays.copyOf(content, 3_000), 9, 3_000));
  }

  @Test
  void reproducerFindsTheGnuFamilyWhereZlibFails() throws IOException {
    byte[] content = prose(1_000_000);
    byte[] compressed = compress(content, 9, content.length);

    assertThat(DeflateReproducer.find(compressed, content)).contains(DeflateRecipe.gnuGzip(9));
  }

  @Test
  void rejectsLevelsOutsideGzipRange() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatIllegalArgumentException()
        .isThrownBy(() -> new GnuGzipDeflater(0, out))
        .withMessageContaining("level 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new GnuGzipDeflater(10, out))
        .withMessageContaining("level 10");
  }

  private void assertMatchesGzip(byte[] content, int level, String description) throws IOException {
    byte[] expected = gzipBody(content, level);
    byte[] actual = compress(content, level, content.length);

    assertThat(Arrays.mismatch(actual, expected))
        .as(
            "first differing byte for %s at level %d (gzip wrote %d bytes, the deflater %d)",
            description, level, expected.length, actual.length)
        .isEqualTo(-1);
  }

  /** Compresses {@code content}, writing it in pieces of {@code piece} bytes. */
  static byte[] compress(byte[] content, int level, int piece) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GnuGzipDeflater deflater = new GnuGzipDeflater(level, out)) {
      for (int offset = 0; offset < content.length; offset += piece) {
        deflater.write(content, offset, Math.min(piece, content.length - offset));
      }
      deflater.finish();
    }
    return out.toByteArray();
  }

  /** Returns the deflate body that GNU gzip writes for {@code content} read from a regular file. */
  private byte[] gzipBody(byte[] content, int level) throws IOException {
    Path gzip = RequiredTool.require("/usr/bin/gzip", "gzip");
    Path input = Files.write(temp.resolve("input"), content);
    Process process =
        new ProcessBuilder(gzip.toString(), "-n", "-" + level, "-c", input.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] member;
    try (InputStream stdout = process.getInputStream()) {
      member = stdout.readAllBytes();
    }
    try {
      assertThat(process.waitFor()).as("gzip exit status").isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while waiting for gzip", e);
    }
    return Arrays.copyOfRange(member, GZIP_HEADER, member.length - GZIP_TRAILER);
  }

  private static List<Path> sharedLibraries(int count) throws IOException {
    List<Path> libraries;
    try (Stream<Path> files = Files.walk(Path.of("/usr/lib"), 2)) {
      libraries =
          files
              .filter(path -> path.getFileName().toString().contains(".so"))
              .filter(GnuGzipDeflaterTest::isLargeRegularFile)
              .sorted()
              .limit(count)
              .toList();
    }
    assertThat(libraries).as("shared libraries under /usr/lib").isNotEmpty();
    return libraries;
  }

  private static boolean isLargeRegularFile(Path path) {
    try {
      return Files.isRegularFile(path) && Files.size(path) > 100_000;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns every n-th gzip file under /usr/share/doc and /usr/share/man, at most {@code count}.
   */
  private static List<Path> installedGzipFiles(int count) throws IOException {
    List<Path> all = new ArrayList<>();
    for (String root : new String[] {"/usr/share/doc", "/usr/share/man"}) {
      if (!Files.isDirectory(Path.of(root))) {
        continue;
      }
      try (Stream<Path> files = Files.walk(Path.of(root))) {
        files
            .filter(path -> path.toString().endsWith(".gz") && Files.isRegularFile(path))
            .forEach(all::add);
      }
    }
    all.sort(null);
    RequiredTool.require("/usr/bin/gzip", "gzip");
    assertThat(all).as("gzip files under /usr/share/doc and /usr/share/man").isNotEmpty();
    int step = Math.max(1, all.size() / count);
    List<Path> picked = new ArrayList<>();
    for (int i = 0; i < all.size() && picked.size() < count; i += step) {
      picked.add(all.get(i));
    }
    return picked;
  }

  private static byte[] gunzip(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return in.readAllBytes();
    }
  }

  private static byte[] repeatedLine(int size) {
    byte[] line = "the same line of a log, over and over\n".getBytes(StandardCharsets.US_ASCII);
    byte[] content = new byte[size];
    for (int i = 0; i < size; i++) {
      content[i] = line[i % line.length];
    }
    return content;
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  /** Returns text of words drawn from a small vocabulary, which compresses like a changelog. */
  static byte[] prose(int size) {
    Random random = new Random(size);
    String[] words = {
      "the", "package", "fix", "security", "upstream", "release", "bug", "version", "debian",
      "update", "new", "closes", "build", "urgency", "medium", "maintainer", "patch", "add"
    };
    StringBuilder text = new StringBuilder(size + 64);
    while (text.length() < size) {
      text.append(words[random.nextInt(words.length)]);
      text.append(random.nextInt(12) == 0 ? "\n" : " ");
      if (random.nextInt(30) == 0) {
        text.append(random.nextInt(100_000));
      }
    }
    return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }
}
