package io.slipway.osimage.disk;

import java.util.List;
import java.util.Objects;

/**
 * The partitions of a disk image. Extended MBR containers are not listed: only partitions that hold
 * data are.
 *
 * @param scheme MBR or GPT
 * @param sectorSize logical sector size in bytes (512 for every image Slipway reads)
 * @param partitions data partitions ordered by number
 */
public record PartitionTable(PartitionScheme scheme, int sectorSize, List<Partition> partitions) {

  public PartitionTable {
    Objects.requireNonNull(scheme, "scheme");
    partitions = List.copyOf(partitions);
  }
}
