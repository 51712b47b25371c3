package io.slipway.osimage.assemble;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import io.slipway.osimage.configure.OutputFiles;
import io.slipway.osimage.disk.GptPartitionSpec;
import io.slipway.osimage.disk.MbrPartitionSpec;
import io.slipway.osimage.disk.Partition;
import io.slipway.osimage.disk.PartitionScheme;
import io.slipway.osimage.disk.PartitionTableWriter;
import io.slipway.osimage.ext4.Ext4Formatter;
import io.slipway.osimage.ext4.Ext4Superblock;
import io.slipway.osimage.image.FileImageBytes;
import io.slipway.osimage.image.ImagePatch;
import io.slipway.osimage.image.ProgressListener;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles a flashable disk image from what a Yocto build deploys: boot files (a directory or a
 * FAT image) and a root filesystem image (ext4), laid out in the A/B scheme devices expect. The
 * partitions are boot (FAT), rootA (the root filesystem image, byte for byte), rootB (an empty ext4
 * of the same size), state and data (empty ext4), each starting on a 4 MiB boundary, under an MBR
 * with an extended partition or under a GPT; see {@link DiskLayout}.
 *
 * <p>The output is deterministic: the same inputs give the same bytes. Time stamps come from {@link
 * Builder#timestamp}, else from the root filesystem's creation time, else {@link
 * #DEFAULT_TIMESTAMP}; the disk signature, GUIDs, filesystem UUIDs and FAT volume id derive from a
 * SHA-256 of every input. Nothing is mounted and no external tool runs.
 *
 * <p>Immutable and thread-safe; concurrent {@link #assemble} calls need different outputs.
 */
public final class ImageAssembler {

  /** The default boot partition size: 40 MiB. */
  public static final long DEFAULT_BOOT_SIZE = 40L << 20;

  /** The default state partition size: 20 MiB. */
  public static final long DEFAULT_STATE_SIZE = 20L << 20;

  /** The default data partition size: 64 MiB, which the OS may grow on the device. */
  public static final long DEFAULT_DATA_SIZE = 64L << 20;

  /** The default boot partition label (FAT volume label and GPT name). */
  public static final String DEFAULT_BOOT_LABEL = "resin-boot";

  /** The time stamp used when none is given and the root filesystem records no creation time. */
  public static final Instant DEFAULT_TIMESTAMP = Instant.parse("2000-01-01T00:00:00Z");

  /** The labels of rootA, rootB, state and data: GPT names, and ext4 labels of those made here. */
  public static final List<String> PARTITION_LABELS =
      List.of("resin-rootA", "resin-rootB", "resin-state", "resin-data");

  private static final Logger LOG = LoggerFactory.getLogger(ImageAssembler.class);

  private final Path bootDirectory;
  private final Path bootImage;
  private final Path rootfs;
  private final PartitionScheme scheme;
  private final long bootSize;
  private final long rootSize;
  private final long stateSize;
  private final long dataSize;
  private final String bootLabel;
  private final SortedMap<String, byte[]> files;
  private final Instant timestamp;
  private final ProgressListener progress;

  private ImageAssembler(Builder builder) {
    this.bootDirectory = builder.bootDirectory;
    this.bootImage = builder.bootImage;
    this.rootfs = builder.rootfs;
    this.scheme = builder.scheme;
    this.bootSize = DiskLayout.align(builder.bootSize);
    this.rootSize = builder.rootSize;
    this.stateSize = DiskLayout.align(builder.stateSize);
    this.dataSize = DiskLayout.align(builder.dataSize);
    this.bootLabel = builder.bootLabel;
    this.files = Collections.unmodifiableSortedMap(new TreeMap<>(builder.files));
    this.timestamp = builder.timestamp;
    this.progress = builder.progress;
  }

  /** Returns a builder with the defaults: MBR, 40 MiB boot, 20 MiB state, 64 MiB data. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Writes the image to {@code output}, replacing it, and next to it its bmap ({@code RAW.bmap})
   * and SHA-256 ({@code RAW.sha256}, {@code sha256sum} format), where {@code RAW} is the output's
   * name without a {@code .zip}, {@code .gz}, {@code .xz} or {@code .zst} suffix. The image is
   * always raw. Each file is written to {@code NAME.tmp-*} next to its target and renamed when
   * complete, the image last; the image skips blocks of zeros, so it is sparse where the filesystem
   * supports it. On any failure no output file is left behind.
   *
   * @return the image's size, SHA-256 and bmap, computed while writing
   * @throws OsImageException {@code INVALID_INPUT} for a missing or wrong input, {@code
   *     BOOT_PARTITION_FULL} when the boot files do not fit the boot partition
   * @throws IOException when reading or writing fails
   */
  public AssembleResult assemble(Path output) throws IOException {
    BootInput boot = openBoot();
    Ext4Superblock rootfsSuperblock = checkRootfs();
    checkNotAnInput(output);
    long rootfsSize = Files.size(rootfs);
    PartitionSizes sizes = sizes(rootfsSize);
    long time = timestamp(rootfsSuperblock);
    StableIds ids = new StableIds(inputDigest(boot, sizes, time));
    LOG.info("Assembling {} image {} from {} and root filesystem {}", scheme, output, boot, rootfs);

    OutputFiles outputs = OutputFiles.forTarget(output);
    try {
      AssembleResult result = outputs.write(temporary -> write(temporary, boot, sizes, time, ids));
      LOG.info(
          "Assembled image {}: {} bytes, sha256 {}", output, result.rawSize(), result.sha256());
      return result;
    } finally {
      outputs.deleteTemporaries();
    }
  }

  private AssembleResult write(
      Path temporary, BootInput boot, PartitionSizes sizes, long time, StableIds ids)
      throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(temporary.toFile(), "rw");
        FileChannel rootfsChannel = FileChannel.open(rootfs, StandardOpenOption.READ)) {
      FileChannel channel = file.getChannel();
      DiskLayout layout = layout(sizes, DiskLayout.MBR_FAT32);
      // Setting the length first leaves every block not written below a hole.
      file.setLength(layout.diskSize());

      int volumeId = ids.int32("boot volume id");
      long bootBytes = boot.write(channel, layout.boot(), bootLabel, volumeId, files, time * 1000);
      layout = layout(sizes, bootPartitionType(channel, layout.boot()));

      List<ImageSegment> segments = new ArrayList<>();
      addPatch(segments, 0, partitionTable(layout, ids));
      segments.add(
          new ImageSegment.FileRegion(
              layout.boot().offset(), bootBytes, channel, layout.boot().offset()));
      segments.add(
          new ImageSegment.FileRegion(
              layout.rootA().offset(), Files.size(rootfs), rootfsChannel, 0));
      addEmptyExt4(segments, layout.rootB(), PARTITION_LABELS.get(1), ids, time);
      addEmptyExt4(segments, layout.state(), PARTITION_LABELS.get(2), ids, time);
      addEmptyExt4(segments, layout.data(), PARTITION_LABELS.get(3), ids, time);

      SparseImageWriter.Written written =
          new SparseImageWriter(channel, layout.diskSize(), progress).write(segments);
      channel.force(true);
      return new AssembleResult(layout.diskSize(), written.sha256(), written.bmap());
    }
  }

  private DiskLayout layout(PartitionSizes sizes, String bootType) {
    List<String> names = new ArrayList<>();
    names.add(bootLabel);
    names.addAll(PARTITION_LABELS);
    return DiskLayout.of(scheme, sizes, names, bootType);
  }

  private ImagePatch partitionTable(DiskLayout layout, StableIds ids) {
    if (scheme == PartitionScheme.MBR) {
      List<MbrPartitionSpec> partitions = new ArrayList<>();
      for (Partition partition : layout.partitions()) {
        int type = Integer.parseInt(partition.type(), 16);
        boolean bootable = partition.equals(layout.boot());
        partitions.add(new MbrPartitionSpec(partition.offset(), partition.size(), type, bootable));
      }
      return PartitionTableWriter.writeMbr(
          layout.diskSize(), ids.int32("mbr disk signature"), partitions);
    }
    List<GptPartitionSpec> partitions = new ArrayList<>();
    for (Partition partition : layout.partitions()) {
      partitions.add(
          new GptPartitionSpec(
              partition.offset(),
              partition.size(),
              UUID.fromString(partition.type()),
              ids.uuid("gpt partition " + partition.number()),
              partition.name(),
              0));
    }
    return PartitionTableWriter.writeGpt(layout.diskSize(), ids.uuid("gpt disk"), partitions);
  }

  private static void addEmptyExt4(
      List<ImageSegment> segments, Partition partition, String label, StableIds ids, long time) {
    ImagePatch filesystem =
        Ext4Formatter.format(partition.size(), label, ids.uuid("ext4 " + label), time);
    addPatch(segments, partition.offset(), filesystem);
  }

  private static void addPatch(List<ImageSegment> segments, long base, ImagePatch patch) {
    for (ImagePatch.Range range : patch.ranges()) {
      segments.add(new ImageSegment.Bytes(base + range.offset(), range.content()));
    }
  }

  /** Returns the MBR type of the FAT filesystem written at {@code boot}: FAT32 or FAT16/12. */
  private static String bootPartitionType(FileChannel channel, Partition boot) throws IOException {
    ByteBuffer sector = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    FileImageBytes.of(channel, "assembled image").read(boot.offset(), sector);
    // FAT32 boot sectors have no 16-bit FAT size: it is 0 there and set in FAT12 and FAT16.
    boolean fat32 = sector.getShort(22) == 0;
    return fat32 ? DiskLayout.MBR_FAT32 : DiskLayout.MBR_FAT16;
  }

  private BootInput openBoot() throws IOException {
    if (bootDirectory != null) {
      return BootDirectory.read(bootDirectory, bootSize);
    }
    return BootImage.open(bootImage, bootSize);
  }

  private Ext4Superblock checkRootfs() throws IOException {
    if (!Files.isRegularFile(rootfs)) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "Root filesystem image " + rootfs + " not found: give the ext4 image Yocto deployed");
    }
    Optional<Ext4Superblock> superblock;
    try (FileChannel channel = FileChannel.open(rootfs, StandardOpenOption.READ)) {
      superblock = Ext4Superblock.read(channel);
    }
    if (superblock.isEmpty()) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "Root filesystem image "
              + rootfs
              + " is not ext4 (no magic number 0xEF53 at byte"
              + " 1080): give the .ext4 image of the root filesystem");
    }
    long size = Files.size(rootfs);
    if (superblock.get().size() > size) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "Root filesystem image "
              + rootfs
              + " has "
              + size
              + " bytes but its filesystem spans "
              + superblock.get().size()
              + ": the file is truncated, copy it again");
    }
    return superblock.get();
  }

  /** Rejects an output that is one of the inputs, which the rename at the end would replace. */
  private void checkNotAnInput(Path output) throws IOException {
    if (!Files.exists(output)) {
      return;
    }
    for (Path input : new Path[] {rootfs, bootImage}) {
      if (input != null && Files.isSameFile(output, input)) {
        throw new OsImageException(
            OsImageFailure.INVALID_INPUT,
            "Output " + output + " is the input " + input + ": write the image to another file");
      }
    }
  }

  private PartitionSizes sizes(long rootfsSize) {
    if (rootSize > 0 && rootSize < rootfsSize) {
      throw new OsImageException(
          OsImageFailure.INVALID_INPUT,
          "Root filesystem image "
              + rootfs
              + " has "
              + rootfsSize
              + " bytes, more than the root"
              + " partition size "
              + rootSize
              + ": give a larger root size or none");
    }
    // rootB gets an empty ext4 of the slot's size, so the slot is never below the ext4 minimum.
    long root = DiskLayout.align(Math.max(Math.max(rootSize, rootfsSize), Ext4Formatter.MIN_SIZE));
    return new PartitionSizes(bootSize, root, stateSize, dataSize);
  }

  private long timestamp(Ext4Superblock rootfsSuperblock) {
    if (timestamp != null) {
      return timestamp.getEpochSecond();
    }
    if (rootfsSuperblock.createdAt() > 0) {
      return rootfsSuperblock.createdAt();
    }
    return DEFAULT_TIMESTAMP.getEpochSecond();
  }

  private byte[] inputDigest(BootInput boot, PartitionSizes sizes, long time) throws IOException {
    InputDigest digest =
        new InputDigest()
            .add("scheme", scheme.name())
            .add("boot size", sizes.boot())
            .add("root size", sizes.root())
            .add("state size", sizes.state())
            .add("data size", sizes.data())
            .add("boot label", bootLabel)
            .add("time", time);
    boot.addTo(digest);
    for (var file : files.entrySet()) {
      digest.add("file " + file.getKey(), file.getValue());
    }
    return digest.addFile("rootfs", rootfs).digest();
  }

  /** Collects an assembly's inputs and options. Not safe for concurrent use. */
  public static final class Builder {

    private Path bootDirectory;
    private Path bootImage;
    private Path rootfs;
    private PartitionScheme scheme = PartitionScheme.MBR;
    private long bootSize = DEFAULT_BOOT_SIZE;
    private long rootSize;
    private long stateSize = DEFAULT_STATE_SIZE;
    private long dataSize = DEFAULT_DATA_SIZE;
    private String bootLabel = DEFAULT_BOOT_LABEL;
    private SortedMap<String, byte[]> files = new TreeMap<>();
    private Instant timestamp;
    private ProgressListener progress = ProgressListener.NONE;

    private Builder() {}

    /** Sets a directory whose files (recursively) make the boot partition's new FAT filesystem. */
    public Builder bootDirectory(Path directory) {
      this.bootDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Sets a FAT filesystem image to copy into the boot partition; it must fit. */
    public Builder bootImage(Path image) {
      this.bootImage = Objects.requireNonNull(image, "image");
      return this;
    }

    /** Sets the root filesystem image (ext4), copied byte for byte into rootA. */
    public Builder rootfs(Path image) {
      this.rootfs = Objects.requireNonNull(image, "image");
      return this;
    }

    /** Sets the partition table: MBR (the default) or GPT. */
    public Builder scheme(PartitionScheme scheme) {
      this.scheme = Objects.requireNonNull(scheme, "scheme");
      return this;
    }

    /** Sets the boot partition's size in bytes, rounded up to 4 MiB; 40 MiB by default. */
    public Builder bootSize(long bytes) {
      this.bootSize = bytes;
      return this;
    }

    /**
     * Sets each root slot's size in bytes, rounded up to 4 MiB; by default, the root filesystem
     * image's size rounded up, and at least 8 MiB. It may not be smaller than the image. An OS
     * update is written into the other slot, so give room for the root filesystems of later OS
     * versions.
     */
    public Builder rootSize(long bytes) {
      this.rootSize = bytes;
      return this;
    }

    /** Sets the state partition's size in bytes, rounded up to 4 MiB; 20 MiB by default. */
    public Builder stateSize(long bytes) {
      this.stateSize = bytes;
      return this;
    }

    /** Sets the data partition's size in bytes, rounded up to 4 MiB; 64 MiB by default. */
    public Builder dataSize(long bytes) {
      this.dataSize = bytes;
      return this;
    }

    /** Sets the boot partition's FAT volume label and GPT name; {@code resin-boot} by default. */
    public Builder bootLabel(String label) {
      this.bootLabel = Objects.requireNonNull(label, "label");
      return this;
    }

    /**
     * Sets files to add to the boot partition, such as {@code DeviceConfig.bootFiles()}: path
     * inside the partition to content. They replace boot files of the same name.
     */
    public Builder files(SortedMap<String, byte[]> files) {
      this.files = new TreeMap<>(files);
      return this;
    }

    /** Sets the time stamped on every file, directory and filesystem, instead of the default. */
    public Builder timestamp(Instant timestamp) {
      this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
      return this;
    }

    /** Sets the listener that receives progress while the image is written. */
    public Builder progress(ProgressListener progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * Returns the assembler.
     *
     * @throws OsImageException {@code INVALID_INPUT} when the boot source or root filesystem is
     *     missing, both a boot directory and a boot image are set, the boot label is invalid, or a
     *     size is out of range
     */
    public ImageAssembler build() {
      if ((bootDirectory == null) == (bootImage == null)) {
        throw invalid("Set exactly one of a boot files directory and a boot image");
      }
      if (rootfs == null) {
        throw invalid("Set the root filesystem image (ext4)");
      }
      if (bootSize <= 0) {
        throw invalid("Invalid boot partition size " + bootSize + ": use a positive size");
      }
      if (rootSize < 0) {
        throw invalid("Invalid root partition size " + rootSize + ": use a positive size");
      }
      if (!bootLabel.matches("[A-Za-z0-9_-]{1,11}")) {
        throw invalid(
            "Invalid boot label '" + bootLabel + "': use 1 to 11 letters, digits, - or _");
      }
      checkExt4Size("state", stateSize);
      checkExt4Size("data", dataSize);
      return new ImageAssembler(this);
    }

    private static void checkExt4Size(String partition, long size) {
      if (size < Ext4Formatter.MIN_SIZE || size > Ext4Formatter.MAX_SIZE) {
        throw invalid(
            "Invalid "
                + partition
                + " partition size "
                + size
                + ": use "
                + Ext4Formatter.MIN_SIZE
                + " to "
                + Ext4Formatter.MAX_SIZE
                + " bytes");
      }
    }

    private static OsImageException invalid(String message) {
      return new OsImageException(OsImageFailure.INVALID_INPUT, message);
    }
  }
}
