package io.slipway.osimage.fat;

import de.waldheinz.fs.BlockDevice;
import de.waldheinz.fs.fat.DirectoryFullException;
import de.waldheinz.fs.fat.FatFile;
import de.waldheinz.fs.fat.FatFileSystem;
import de.waldheinz.fs.fat.FatLfnDirectory;
import de.waldheinz.fs.fat.FatLfnDirectoryEntry;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes files through fat32-lib, creating missing parent directories. An existing file's content
 * is replaced in place, so a shorter file gives its surplus clusters back to the FAT. Stateless.
 */
final class FatFileWriter {

  private FatFileWriter() {}

  /**
   * Writes {@code files} into the FAT filesystem on {@code device}.
   *
   * @param name how messages name the filesystem
   * @return the directories it created, each as its list of names, parents before children
   * @throws OsImageException {@code BOOT_PARTITION_FULL} when fat32-lib runs out of clusters or
   *     root directory entries
   * @throws IOException when fat32-lib cannot read the filesystem
   */
  static Set<List<String>> write(BlockDevice device, Map<BootPath, byte[]> files, String name)
      throws IOException {
    try {
      return writeFiles(device, files);
    } catch (DirectoryFullException e) {
      throw full(name, "a directory cannot grow (" + e.getMessage() + ")");
    } catch (IOException e) {
      // fat32-lib reports an exhausted FAT only through this message.
      if (String.valueOf(e.getMessage()).startsWith("FAT Full")) {
        throw full(name, "no free cluster is left");
      }
      throw e;
    }
  }

  private static Set<List<String>> writeFiles(BlockDevice device, Map<BootPath, byte[]> files)
      throws IOException {
    FatFileSystem filesystem = FatFileSystem.read(device, false);
    Set<List<String>> created = new LinkedHashSet<>();

    for (Map.Entry<BootPath, byte[]> file : files.entrySet()) {
      FatLfnDirectory directory = directoryOf(filesystem, file.getKey(), created);
      FatLfnDirectoryEntry entry = directory.getEntry(file.getKey().fileName());
      if (entry == null) {
        entry = directory.addFile(file.getKey().fileName());
      }
      FatFile content = entry.getFile();
      content.setLength(file.getValue().length);
      content.write(0, ByteBuffer.wrap(file.getValue()));
    }

    // fat32-lib writes the FAT before the directories, but rewriting a directory can allocate a
    // cluster. The second flush writes the FAT as it is after that.
    filesystem.flush();
    filesystem.close();
    return created;
  }

  private static OsImageException full(String name, String reason) {
    return new OsImageException(
        OsImageFailure.BOOT_PARTITION_FULL,
        "The files do not fit into the FAT filesystem of "
            + name
            + ": "
            + reason
            + ". Write smaller files or use a larger boot partition.");
  }

  private static FatLfnDirectory directoryOf(
      FatFileSystem filesystem, BootPath path, Set<List<String>> created) throws IOException {
    FatLfnDirectory directory = filesystem.getRoot();
    List<String> names = new ArrayList<>();
    for (String name : path.parents()) {
      names.add(name);
      FatLfnDirectoryEntry entry = directory.getEntry(name);
      if (entry == null) {
        entry = directory.addDirectory(name);
        created.add(List.copyOf(names));
      }
      directory = entry.getDirectory();
    }
    return directory;
  }
}
