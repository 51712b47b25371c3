package io.slipway.osimage.fat;

import de.waldheinz.fs.BlockDevice;
import java.io.IOException;
import java.util.List;

/**
 * Stamps directory entries found by path with one time, in UTC, after fat32-lib wrote them. Not
 * safe for concurrent use.
 */
final class DirectoryStamper {

  private final BlockDevice device;
  private final DirectoryReader directories;
  private final long epochMillis;

  DirectoryStamper(BlockDevice device, DirectoryReader directories, long epochMillis) {
    this.device = device;
    this.directories = directories;
    this.epochMillis = epochMillis;
  }

  /** Stamps the entry at {@code names}, a path from the root; a missing entry is an error. */
  void stampPath(List<String> names) throws IOException {
    TimeStamps.stamp(device, find(names).offset(), epochMillis);
  }

  /** Stamps the directory at {@code names} and its {@code .} and {@code ..} entries. */
  void stampDirectory(List<String> names) throws IOException {
    DirectoryReader.Entry directory = find(names);
    TimeStamps.stamp(device, directory.offset(), epochMillis);
    for (DirectoryReader.Entry entry : directories.list(directory.startCluster())) {
      if (entry.isDotEntry()) {
        TimeStamps.stamp(device, entry.offset(), epochMillis);
      }
    }
  }

  /** Stamps every entry in the tree below the root, volume label included. */
  void stampAll() throws IOException {
    stampTree(0);
  }

  private void stampTree(long cluster) throws IOException {
    for (DirectoryReader.Entry entry : directories.list(cluster)) {
      TimeStamps.stamp(device, entry.offset(), epochMillis);
      if (entry.isDirectory() && !entry.isDotEntry()) {
        stampTree(entry.startCluster());
      }
    }
  }

  private DirectoryReader.Entry find(List<String> names) throws IOException {
    long cluster = 0;
    DirectoryReader.Entry entry = null;
    for (String name : names) {
      entry =
          directories
              .find(cluster, name)
              .orElseThrow(
                  () ->
                      new IOException(
                          "Entry '" + name + "' of " + names + " is missing after writing"));
      cluster = entry.startCluster();
    }
    return entry;
  }
}
