package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class ZipPlannerTest {

  @Test
  void plansRebuildRealJarPairsExactly() throws Exception {
    for (Path newJar : TestJars.newJars()) {
      byte[] oldZip = Files.readAllBytes(TestJars.oldJarFor(newJar));
      byte[] newZip = Files.readAllBytes(newJar);

      List<ZipPart> parts = plan(oldZip, newZip);

      System.out.printf("%s: %s%n", newJar.getFileName(), PlanRebuilder.countKinds(parts));
      assertThat(parts).noneMatch(ZipPart.Opaque.class::isInstance);
      PlanRebuilder.assertRebuildsExactly(parts, oldZip, newZip);
    }
  }

  @Test
  void copiesEntriesWhoseBytesDidNotChange() throws Exception {
    byte[] oldZip = zip(9, "a.txt", "alpha alpha alpha", "b.txt", "beta beta beta");
    byte[] newZip = zip(9, "a.txt", "alpha alpha alpha", "b.txt", "beta beta beta gamma");

    List<ZipPart> parts = plan(oldZip, newZip);

    assertThat(parts).filteredOn(ZipPart.Unchanged.class::isInstance).hasSize(1);
    assertThat(parts).filteredOn(ZipPart.Deflated.class::isInstance).hasSize(1);
    PlanRebuilder.assertRebuildsExactly(parts, oldZip, newZip);
  }

  @Test
  void findsRecipeOfNonDefaultLevel() throws Exception {
    byte[] oldZip = zip(1, "a.txt", "alpha ".repeat(100));
    byte[] newZip = zip(1, "a.txt", "alpha beta ".repeat(100));

    List<ZipPart> parts = plan(oldZip, newZip);

    assertThat(parts)
        .filteredOn(ZipPart.Deflated.class::isInstance)
        .map(part -> ((ZipPart.Deflated) part).recipe().level())
        .containsExactly(1);
  }

  @Test
  void rebuildsStoredEntries() throws Exception {
    byte[] oldZip = storedZip("lib/native.so", "old native code");
    byte[] newZip = storedZip("lib/native.so", "new native code, longer");

    List<ZipPart> parts = plan(oldZip, newZip);

    assertThat(parts).filteredOn(ZipPart.Stored.class::isInstance).hasSize(1);
    PlanRebuilder.assertRebuildsExactly(parts, oldZip, newZip);
  }

  @Test
  void leavesNewEntriesWithoutOldEntry() throws Exception {
    byte[] oldZip = zip(6, "a.txt", "alpha");
    byte[] newZip = zip(6, "a.txt", "alpha", "added.txt", "new entry");

    List<ZipPart> parts = plan(oldZip, newZip);

    assertThat(parts)
        .filteredOn(ZipPart.Deflated.class::isInstance)
        .singleElement()
        .extracting(part -> ((ZipPart.Deflated) part).oldEntry())
        .isNull();
    PlanRebuilder.assertRebuildsExactly(parts, oldZip, newZip);
  }

  @Test
  void keepsUnreproducibleEntriesCompressed() throws Exception {
    byte[] oldZip = zip(6, "a.txt", "alpha ".repeat(50));
    byte[] newZip = withSyncFlushedEntry("a.txt", "alpha beta ".repeat(50));

    List<ZipPart> parts = plan(oldZip, newZip);

    assertThat(parts).filteredOn(ZipPart.Opaque.class::isInstance).hasSize(1);
    PlanRebuilder.assertRebuildsExactly(parts, oldZip, newZip);
  }

  @Test
  void readsZip64Archive() throws Exception {
    // More than 65535 entries make ZipOutputStream write zip64 end records.
    String[] namesAndContents = new String[2 * 70_000];
    for (int i = 0; i < 70_000; i++) {
      namesAndContents[2 * i] = "e" + i;
      namesAndContents[2 * i + 1] = "content " + i;
    }
    byte[] newZip = zip(6, namesAndContents);
    namesAndContents[1] = "changed";
    byte[] oldZip = zip(6, namesAndContents);

    ZipArchive archive = ZipArchive.parse(newZip);
    List<ZipPart> parts = plan(oldZip, newZip);

    assertThat(archive.entries()).hasSize(70_000);
    PlanRebuilder.assertRebuildsExactly(parts, oldZip, newZip);
  }

  @Test
  void rejectsBytesThatAreNotZip() {
    byte[] notZip = "plain text, no archive".getBytes(StandardCharsets.US_ASCII);

    assertThatExceptionOfType(ZipFormatException.class)
        .isThrownBy(() -> ZipArchive.parse(notZip))
        .withMessageContaining("not found");
  }

  private static List<ZipPart> plan(byte[] oldZip, byte[] newZip) throws ZipFormatException {
    return ZipEncoder.plan(oldZip, ZipArchive.parse(oldZip), newZip, ZipArchive.parse(newZip));
  }

  /** Returns a zip of deflated entries at {@code level}, written with data descriptors. */
  static byte[] zip(int level, String... namesAndContents) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.setLevel(level);
      for (int i = 0; i < namesAndContents.length; i += 2) {
        ZipEntry entry = new ZipEntry(namesAndContents[i]);
        entry.setTime(0);
        zip.putNextEntry(entry);
        zip.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] storedZip(String name, String content) throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(data);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      ZipEntry entry = new ZipEntry(name);
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(data.length);
      entry.setCompressedSize(data.length);
      entry.setCrc(crc.getValue());
      entry.setTime(0);
      zip.putNextEntry(entry);
      zip.write(data);
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }

  /**
   * Returns a zip whose one entry's deflate stream has a sync flush in the middle, which no recipe
   * reproduces.
   */
  private static byte[] withSyncFlushedEntry(String name, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    return new ZipBuilder().entry(name, 8, syncFlushed(bytes), bytes).comment("flushed").build();
  }

  private static byte[] syncFlushed(byte[] content) {
    Deflater deflater = new Deflater(6, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    int half = content.length / 2;
    deflater.setInput(content, 0, half);
    int produced;
    while ((produced = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
      out.write(buffer, 0, produced);
    }
    deflater.setInput(content, half, content.length - half);
    deflater.finish();
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }
}
