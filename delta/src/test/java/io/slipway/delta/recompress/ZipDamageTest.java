package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged archives either fail to parse with {@link ZipFormatException} or still rebuild exactly:
 * the encoder must never write operations that make other bytes, nor fail with another exception.
 */
class ZipDamageTest {

  @Test
  void damagedJarsAreRejectedOrRebuiltExactly() throws Exception {
    Path newJar =
        TestJars.newJars().stream()
            .filter(jar -> jar.toString().contains("netty"))
            .findFirst()
            .orElseThrow();
    byte[] oldZip = Files.readAllBytes(TestJars.oldJarFor(newJar));
    byte[] intact = Files.readAllBytes(newJar);
    ZipArchive archive = ZipArchive.parse(intact);
    Random random = new Random(3);
    int rejected = 0;

    for (int round = 0; round < 400; round++) {
      byte[] damaged = damage(intact, archive, random);
      List<ZipPart> parts;
      try {
        parts =
            ZipEncoder.plan(oldZip, ZipArchive.parse(oldZip), damaged, ZipArchive.parse(damaged));
      } catch (ZipFormatException expected) {
        rejected++;
        continue;
      }
      PlanRebuilder.assertRebuildsExactly(parts, oldZip, damaged);
    }

    System.out.println("damaged jars rejected: " + rejected + " of 400");
    assertThat(rejected).isPositive();
  }

  @Test
  void truncatedJarsAreRejectedOrRebuiltExactly() throws Exception {
    byte[] zip = Files.readAllBytes(TestJars.newJars().get(0));
    byte[] oldZip = Files.readAllBytes(TestJars.oldJarFor(TestJars.newJars().get(0)));

    for (int length = 0; length < zip.length; length += 1 + zip.length / 97) {
      byte[] cut = Arrays.copyOf(zip, length);
      try {
        List<ZipPart> parts =
            ZipEncoder.plan(oldZip, ZipArchive.parse(oldZip), cut, ZipArchive.parse(cut));
        PlanRebuilder.assertRebuildsExactly(parts, oldZip, cut);
      } catch (ZipFormatException expected) {
        // A cut archive usually loses its end record.
      }
    }
  }

  /**
   * Flips a few bytes, mostly inside the structures that the parser reads: the central directory,
   * the end record and local headers.
   */
  private static byte[] damage(byte[] zip, ZipArchive archive, Random random) {
    byte[] damaged = zip.clone();
    int flips = 1 + random.nextInt(3);
    for (int i = 0; i < flips; i++) {
      int at;
      int region = random.nextInt(4);
      if (region == 0) {
        at =
            (int) archive.centralDirectoryOffset()
                + random.nextInt((int) archive.centralDirectoryLength());
      } else if (region == 1) {
        at = zip.length - 1 - random.nextInt(22);
      } else if (region == 2) {
        ZipEntryInfo entry = archive.entries().get(random.nextInt(archive.entries().size()));
        at =
            (int) entry.headerOffset()
                + random.nextInt((int) (entry.dataOffset() - entry.headerOffset()));
      } else {
        at = random.nextInt(zip.length);
      }
      damaged[at] = (byte) random.nextInt(256);
    }
    return damaged;
  }
}
