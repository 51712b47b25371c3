package io.slipway.delta.recompress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Rebuilds a new archive from a plan the way an applier would, taking new bytes only where the plan
 * sends them literally: copies come from the old archive and deflated entries are recompressed with
 * their recipe.
 */
final class PlanRebuilder {

  private PlanRebuilder() {}

  static byte[] rebuild(List<ZipPart> parts, byte[] oldZip, byte[] newZip) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(newZip.length);
    for (ZipPart part : parts) {
      if (part instanceof ZipPart.Bytes bytes) {
        byte[] source = bytes.oldOffset() >= 0 ? oldZip : newZip;
        long offset = bytes.oldOffset() >= 0 ? bytes.oldOffset() : bytes.offset();
        out.write(source, (int) offset, (int) bytes.length());
      } else if (part instanceof ZipPart.Directory directory) {
        out.write(newZip, (int) directory.offset(), (int) directory.length());
      } else if (part instanceof ZipPart.Unchanged unchanged) {
        out.writeBytes(ZipEntryContent.raw(oldZip, unchanged.oldEntry()));
      } else if (part instanceof ZipPart.Deflated deflated) {
        byte[] inflated =
            ZipEntryContent.inflate(newZip, deflated.entry(), Integer.MAX_VALUE - 8).orElseThrow();
        out.writeBytes(compress(deflated.recipe(), inflated));
      } else if (part instanceof ZipPart.Stored stored) {
        out.writeBytes(ZipEntryContent.raw(newZip, stored.entry()));
      } else if (part instanceof ZipPart.Opaque opaque) {
        out.writeBytes(ZipEntryContent.raw(newZip, opaque.entry()));
      }
    }
    return out.toByteArray();
  }

  /** Returns how many parts of each kind the plan has, by simple class name. */
  static String countKinds(List<ZipPart> parts) {
    return Arrays.toString(
        parts.stream()
            .collect(
                Collectors.groupingBy(
                    part -> part.getClass().getSimpleName(), TreeMap::new, Collectors.counting()))
            .entrySet()
            .toArray());
  }

  static void assertRebuildsExactly(List<ZipPart> parts, byte[] oldZip, byte[] newZip) {
    assertThat(rebuild(parts, oldZip, newZip)).isEqualTo(newZip);
  }

  private static byte[] compress(DeflateRecipe recipe, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflateCompressor compressor = recipe.newCompressor(out)) {
      // Chunked input, as an applier feeds it while it streams.
      for (int offset = 0; offset < content.length; offset += 5000) {
        compressor.write(content, offset, Math.min(5000, content.length - offset));
      }
      compressor.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
