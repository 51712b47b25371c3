package io.slipway.builder.engine.jib;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Makes the Jib layer of one {@code COPY} or {@code ADD}: one entry per file and directory, with
 * Jib's fixed modification time, the sources' permission bits (or {@code --chmod}) and root, {@code
 * --chown} or unpacked-archive ownership. Jib sorts the entries, so equal inputs give an equal
 * layer digest and an unchanged layer is never uploaded twice.
 */
final class CopyLayers {

  private CopyLayers() {}

  /**
   * Returns the layer named after the instruction's line.
   *
   * @param root the root the placements' sources lie in
   * @param rooted true when {@code root} is an image filesystem rather than the build context
   * @param directories receives every directory the layer creates
   */
  static FileEntriesLayer layer(
      CopySpec spec,
      List<Placement> placements,
      Path root,
      boolean rooted,
      Consumer<String> directories)
      throws IOException {
    FileEntriesLayer.Builder layer =
        FileEntriesLayer.builder()
            .setName(
                spec.instruction().keyword().toLowerCase() + "-line-" + spec.instruction().line());
    for (Placement placement : placements) {
      PlacementWalker.walk(
          placement,
          root,
          rooted,
          (source, target, directory) -> {
            layer.addEntry(
                source,
                AbsoluteUnixPath.get(target),
                permissions(spec, source),
                FileEntriesLayer.DEFAULT_MODIFICATION_TIME,
                ownership(spec, placement, source));
            directories.accept(directory ? target : parentOf(target));
          });
    }
    return layer.build();
  }

  /**
   * Returns {@code --chown} when given, else the owner an unpacked archive recorded (as {@code tar
   * -x} by root keeps it), else root.
   */
  private static String ownership(CopySpec spec, Placement placement, Path source) {
    if (spec.ownership() != null) {
      return spec.ownership();
    }
    String recorded = placement.owners().get(source);
    return recorded == null || recorded.equals("0:0") ? "" : recorded;
  }

  private static String parentOf(String target) {
    int slash = target.lastIndexOf('/');
    return slash <= 0 ? "/" : target.substring(0, slash);
  }

  /** Returns {@code --chmod} when given, else the source's own permission bits. */
  private static FilePermissions permissions(CopySpec spec, Path source) throws IOException {
    if (spec.mode() >= 0) {
      return FilePermissions.fromOctalString(String.format("%03o", spec.mode()));
    }
    Set<PosixFilePermission> bits = Files.getPosixFilePermissions(source);
    return FilePermissions.fromPosixFilePermissions(bits);
  }
}
