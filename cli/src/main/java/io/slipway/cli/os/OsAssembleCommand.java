package io.slipway.cli.os;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CliLogging;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.assemble.AssembleResult;
import io.slipway.osimage.assemble.ImageAssembler;
import io.slipway.osimage.config.DeviceConfig;
import io.slipway.osimage.disk.PartitionScheme;
import io.slipway.osimage.ext4.Ext4Superblock;
import io.slipway.osimage.image.ImageFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code slipway os assemble}: builds a flashable raw OS image from a Yocto build's boot files and
 * root filesystem, with a device configuration in its boot partition. With {@code --config} it
 * works offline; with {@code --fleet} it first requests a fresh configuration from the server.
 */
@Command(
    name = "assemble",
    sortOptions = false,
    description = {
      "Builds a raw OS image from boot files (a directory or a FAT image) and an ext4 root"
          + " filesystem image: boot, rootA, rootB, state and data partitions, with config.json in"
          + " the boot partition. Writes the image, its bmap and its SHA-256.",
      "With --fleet the server makes the config.json, with a fresh provisioning key; with"
          + " --config the command reads it from a file and contacts no server.",
      "The same inputs give the same bytes; SOURCE_DATE_EPOCH, when set, is the time stamp of"
          + " every file and filesystem."
    })
public class OsAssembleCommand implements Callable<Integer> {

  /** The environment variable that fixes the image's time stamps, in seconds since 1970. */
  static final String SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH";

  private static final long MIB = 1L << 20;

  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = "--boot",
      paramLabel = "DIR|FAT.img",
      required = true,
      description =
          "The boot files: a directory whose files make a new FAT filesystem, or a FAT filesystem"
              + " image copied as it is.")
  Path boot;

  @Option(
      names = "--rootfs",
      paramLabel = "ROOTFS.ext4",
      required = true,
      description = "The root filesystem image (ext4), copied byte for byte into rootA.")
  Path rootfs;

  @ArgGroup(exclusive = true, multiplicity = "1")
  OsConfigureCommand.Source source;

  @Mixin ServerOptions serverOptions;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE.img",
      required = true,
      description = "Where the raw image is written.")
  Path output;

  @Option(
      names = "--scheme",
      paramLabel = "mbr|gpt",
      converter = SchemeConverter.class,
      description = "The partition table: mbr (with an extended partition) or gpt. Default: mbr.")
  PartitionScheme scheme = PartitionScheme.MBR;

  @Option(
      names = "--boot-size",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "The boot partition's size, such as 40MiB. Default: 40MiB.")
  Long bootSize;

  @Option(
      names = "--root-size",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description =
          "The size of each of rootA and rootB, such as 1GiB. Default: the root filesystem image's"
              + " size.")
  Long rootSize;

  @Option(
      names = "--state-size",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "The state partition's size. Default: 20MiB.")
  Long stateSize;

  @Option(
      names = "--data-size",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "The data partition's size. Default: 64MiB.")
  Long dataSize;

  @Option(
      names = "--boot-label",
      paramLabel = "LABEL",
      description = "The boot partition's FAT label and GPT name. Default: resin-boot.")
  String bootLabel;

  @Option(
      names = "--force",
      description = "Replaces an existing output image and its bmap and SHA-256 files.")
  boolean force;

  @Option(
      names = {"-q", "--quiet"},
      description = "Shows no progress.")
  boolean quiet;

  @Option(
      names = "--json",
      description =
          "Prints only the result as one JSON document: output, rawSize, sha256, bmap, sha256File,"
              + " scheme, fleet, deviceType.")
  boolean json;

  private final CliEnvironment environment;

  OsAssembleCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    CliLogging.quiet();
    checkOptions();
    OutputImage target = outputImage();
    target.requireWritable(rootfs.toAbsolutePath(), force, target.files());
    requireInputs();
    ImageAssembler.Builder builder = builder();
    // Builds once before a server call, so that an invalid option costs no provisioning key.
    build(builder);

    DeviceConfig config;
    if (source.config != null) {
      config = DeviceConfigSource.read(source.config);
    } else {
      SlipwayClient client = serverOptions.client(environment);
      config = DeviceConfigSource.fetch(client, source.fleet, Map.of());
    }

    AssembleResult result = assemble(builder.files(config.bootFiles()), target);
    report(target, config, result);
    return ExitCode.SUCCESS;
  }

  private void checkOptions() {
    if (source.config != null && spec.commandLine().getParseResult().hasMatchedOption("--server")) {
      throw new CommandFailedException(
          "--server has no use with --config, which contacts no server; leave it out",
          ExitCode.USAGE);
    }
  }

  /** Returns the output; it must be a raw image, because the assembler writes no other format. */
  private OutputImage outputImage() {
    ImageFormat format = OutputImage.formatOf(output).orElse(ImageFormat.IMG);
    if (format != ImageFormat.IMG) {
      throw new CommandFailedException(
          "--output "
              + output
              + " names a ."
              + format.extension()
              + " file, but os assemble writes a raw image; name it NAME.img and compress it"
              + " afterwards",
          ExitCode.USAGE);
    }
    return new OutputImage(output.toAbsolutePath(), ImageFormat.IMG);
  }

  /** Checks the inputs before a server call, so that a wrong path costs no provisioning key. */
  private void requireInputs() {
    if (!Files.isDirectory(boot) && !Files.isRegularFile(boot)) {
      throw new CommandFailedException(
          "--boot " + boot + " does not exist; give the boot files' directory or FAT image",
          ExitCode.USAGE);
    }
    if (!Files.isRegularFile(rootfs)) {
      throw new CommandFailedException(
          "--rootfs " + rootfs + " does not exist or is not a file; give the ext4 image",
          ExitCode.USAGE);
    }
    try (FileChannel channel = FileChannel.open(rootfs)) {
      if (Ext4Superblock.read(channel).isEmpty()) {
        throw new CommandFailedException(
            "--rootfs "
                + rootfs
                + " is not an ext4 filesystem image (no ext4 magic number); give the .ext4 image"
                + " the build deployed",
            ExitCode.USAGE);
      }
    } catch (IOException e) {
      throw new CommandFailedException("Reading --rootfs " + rootfs + " failed: " + e.getMessage());
    }
  }

  private ImageAssembler.Builder builder() {
    ImageAssembler.Builder builder = ImageAssembler.builder().rootfs(rootfs).scheme(scheme);
    if (Files.isDirectory(boot)) {
      builder.bootDirectory(boot);
    } else {
      builder.bootImage(boot);
    }
    if (bootSize != null) {
      builder.bootSize(bootSize);
    }
    if (rootSize != null) {
      builder.rootSize(rootSize);
    }
    if (stateSize != null) {
      builder.stateSize(stateSize);
    }
    if (dataSize != null) {
      builder.dataSize(dataSize);
    }
    if (bootLabel != null) {
      builder.bootLabel(bootLabel);
    }
    Instant timestamp = sourceDateEpoch();
    if (timestamp != null) {
      builder.timestamp(timestamp);
    }
    return builder;
  }

  private static ImageAssembler build(ImageAssembler.Builder builder) {
    try {
      return builder.build();
    } catch (OsImageException e) {
      throw OsImageErrors.commandFailure("Checking the options", e);
    }
  }

  /** Returns the time from {@code SOURCE_DATE_EPOCH}, or null when it is not set. */
  private Instant sourceDateEpoch() {
    String value = environment.variables().get(SOURCE_DATE_EPOCH);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      if (seconds >= 0) {
        return Instant.ofEpochSecond(seconds);
      }
    } catch (NumberFormatException e) {
      // Reported below with the value.
    }
    throw new CommandFailedException(
        SOURCE_DATE_EPOCH
            + "="
            + value
            + " is not a number of seconds since 1970-01-01; set it to such a number or unset it",
        ExitCode.USAGE);
  }

  private AssembleResult assemble(ImageAssembler.Builder builder, OutputImage target) {
    ImageProgress progress =
        new ImageProgress(
            spec.commandLine().getErr(),
            ImageProgress.style(environment.terminal(), quiet || json),
            "Assembling",
            System::nanoTime);
    try (PartialFileCleanup cleanup = PartialFileCleanup.watch(target.files())) {
      return build(builder.progress(progress)).assemble(target.image());
    } catch (OsImageException e) {
      throw OsImageErrors.commandFailure("Assembling " + target.image(), e);
    } catch (IOException | UncheckedIOException e) {
      throw new CommandFailedException(
          "Assembling " + target.image() + " failed: " + e.getMessage());
    } finally {
      progress.finish();
    }
  }

  private void report(OutputImage target, DeviceConfig config, AssembleResult result) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("output", target.image().toString());
      document.put("rawSize", result.rawSize());
      document.put("sha256", result.sha256());
      document.put("bmap", target.bmap().toString());
      document.put("sha256File", target.sha256().toString());
      document.put("scheme", scheme.name().toLowerCase(Locale.ROOT));
      document.put("fleet", config.fleet());
      document.put("deviceType", config.deviceType());
      JsonOutput.print(out, document);
      return;
    }
    out.println(
        "Assembled "
            + target.image()
            + " for fleet "
            + config.fleet()
            + " ("
            + config.deviceType()
            + "): "
            + result.rawSize()
            + " bytes with SHA-256 "
            + result.sha256());
    target.printSideFiles(out);
    out.flush();
  }

  /** Reads {@code --scheme}: {@code mbr} or {@code gpt}, in any case. */
  static final class SchemeConverter implements ITypeConverter<PartitionScheme> {
    @Override
    public PartitionScheme convert(String text) {
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "mbr" -> PartitionScheme.MBR;
        case "gpt" -> PartitionScheme.GPT;
        default -> throw new TypeConversionException("use mbr or gpt, not '" + text + "'");
      };
    }
  }

  /** Reads a size such as {@code 40MiB} or {@code 2GiB} into bytes. */
  static final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
      String trimmed = text.trim();
      long unit;
      if (trimmed.endsWith("MiB")) {
        unit = MIB;
      } else if (trimmed.endsWith("GiB")) {
        unit = 1024 * MIB;
      } else {
        throw new TypeConversionException(
            "invalid size '" + text + "': give a whole number with MiB or GiB, such as 40MiB");
      }
      String number = trimmed.substring(0, trimmed.length() - 3);
      try {
        long value = Long.parseLong(number);
        if (value > 0 && value <= Long.MAX_VALUE / unit) {
          return value * unit;
        }
      } catch (NumberFormatException e) {
        // Reported below with the value.
      }
      throw new TypeConversionException(
          "invalid size '"
              + text
              + "': give a positive whole number with MiB or GiB, such as 40MiB");
    }
  }
}
