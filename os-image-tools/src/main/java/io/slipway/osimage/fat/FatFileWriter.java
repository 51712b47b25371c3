package io.slipway.osimage.fat;

import de.waldheinz.fs.BlockDevice;
import de.waldheinz.fs.fat.FatFile;
import de.waldheinz.fs.fat.FatFileSystem;
import de.waldheinz.fs.fat.FatLfnDirectory;
import de.waldheinz.fs.fat.FatLfnDirectoryEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes files through fat32-lib: opens the filesystem on a block device, creates missing parent
 * directories, writes new files or replaces the content of existing ones in place (so a shorter
 * file gives its surplus clusters back to the FAT), and flushes. Stateless.
 */
final class FatFileWriter {

  private FatFileWriter() {}

  /**
   * Writes {@code files} into the FAT filesystem on {@code device}.
   *
   * @return the directories it created, each as its list of names, parents before children
   * @throws IOException when fat32-lib cannot read the filesystem or runs out of space
   */
  static Set<List<String>> write(BlockDevice device, Map<BootPath, byte[]> files)
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

    // fat32-lib writes the FAT before the directories, and rewriting a directory can allocate a
    // cluster; the second flush writes the FAT as it is after that.
    filesystem.flush();
    filesystem.close();
    return created;
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
