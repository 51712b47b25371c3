package io.slipway.cli.os;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CliLogging;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.ScratchDirectory;
import io.slipway.cli.client.FleetName;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.config.DeviceConfig;
import io.slipway.osimage.config.WifiNetwork;
import io.slipway.osimage.configure.ImageConfigurer;
import io.slipway.osimage.configure.ImageConfigurer.ConfigureResult;
import io.slipway.osimage.disk.BootPartitionFinder;
import io.slipway.osimage.disk.PartitionTableReader;
import io.slipway.osimage.image.ImageFormat;
import io.slipway.osimage.image.ImageSources;
import io.slipway.osimage.image.SourceImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway os configure IMAGE}: writes a device configuration into the boot partition of a
 * base OS image on this machine. With {@code --config} it works offline and never contacts a
 * server; with {@code --fleet} it first requests a fresh configuration from the server, which
 * carries a new provisioning key.
 */
@Command(
    name = "configure",
    sortOptions = false,
    description = {
      "Writes a config.json (and a Wi-Fi profile and any --add files) into the boot partition of"
          + " the OS image IMAGE and writes the result, its bmap and its SHA-256 next to it.",
      "With --fleet the server makes the config.json, with a fresh provisioning key; with"
          + " --config the command reads it from a file and contacts no server.",
      "Every partition but the boot partition, and the partition table, stay byte-identical."
    })
public class OsConfigureCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Parameters(
      index = "0",
      paramLabel = "IMAGE",
      description = "The base image: .img, .img.zip, .img.gz, .img.xz or .img.zst.")
  Path input;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Mixin ServerOptions serverOptions;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "Where the configured image is written. Default: NAME-configured.EXTENSION next to"
              + " IMAGE.")
  Path output;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      converter = OutputImage.FormatConverter.class,
      description =
          "img, img.zip, img.gz, img.xz or img.zst. Default: from the name of --output, else"
              + " IMAGE's.")
  ImageFormat format;

  @Option(
      names = "--force",
      description = "Replaces an existing output image and its bmap and SHA-256 files.")
  boolean force;

  @Option(
      names = "--boot-label",
      paramLabel = "LABEL",
      description =
          "A GPT partition name or FAT label of the boot partition; repeat in order of preference."
              + " Default: flash-boot, resin-boot, balena-boot.")
  List<String> bootLabels;

  @Option(
      names = "--add",
      paramLabel = "FILE=PATH",
      converter = BootFile.Converter.class,
      description =
          "Also writes the local file PATH to FILE in the boot partition, such as"
              + " splash/logo.png=./logo.png. Repeatable.")
  List<BootFile> additions = List.of();

  @Mixin ConfigOptions configOptions;

  @Option(
      names = {"-q", "--quiet"},
      description = "Shows no progress.")
  boolean quiet;

  @Option(
      names = "--json",
      description =
          "Prints only the result as one JSON document: output, format, bytesWritten, rawSize,"
              + " sha256, bmap, sha256File, fleet, deviceType.")
  boolean json;

  /** The source of the configuration: exactly one of the two options. */
  static class Source {
    @Option(
        names = "--fleet",
        paramLabel = "ORG/FLEET",
        required = true,
        converter = FleetName.Converter.class,
        description = "Asks the server for a fresh configuration of this fleet.")
    FleetName fleet;

    @Option(
        names = "--config",
        paramLabel = "CONFIG.json",
        required = true,
        description = "Reads the configuration from this file; contacts no server.")
    Path config;
  }

  private final CliEnvironment environment;
  private final Clock clock;

  OsConfigureCommand(CliEnvironment environment) {
    this(environment, Clock.systemUTC());
  }

  OsConfigureCommand(CliEnvironment environment, Clock clock) {
    this.environment = environment;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    CliLogging.quiet();
    checkOptions();
    Path image = requireImage(input);
    OutputImage target = OutputImage.forConfigure(image, output, format);
    target.requireWritable(image, force, target.files());
    WifiNetwork wifi = configOptions.wifi(environment);
    // Read the extra files before a server call, so that a typo costs no provisioning key.
    SortedMap<String, byte[]> extras = BootFile.readAll(additions);

    DeviceConfig base;
    if (source.config != null) {
      base = DeviceConfigSource.read(source.config);
    } else {
      SlipwayClient client = serverOptions.client(environment);
      requireBootPartition(image);
      base = DeviceConfigSource.fetch(client, source.fleet, configOptions.requestBody());
    }

    DeviceConfig config = configOptions.applyTo(base, wifi);
    SortedMap<String, byte[]> files = BootFile.merge(config.bootFiles(), extras);
    ConfigureResult result = configure(image, target, files);
    report(target, config, result);
    return ExitCode.SUCCESS;
  }

  private void checkOptions() {
    configOptions.validate(spec);
    if (source.config == null) {
      return;
    }
    configOptions.requireNoServerOptions(spec);
    if (spec.commandLine().getParseResult().hasMatchedOption("--server")) {
      throw new CommandFailedException(
          "--server has no use with --config, which contacts no server; leave it out",
          ExitCode.USAGE);
    }
  }

  private static Path requireImage(Path image) {
    if (!Files.isRegularFile(image)) {
      throw new CommandFailedException(
          "Image " + image + " does not exist or is not a file; give the base image's path",
          ExitCode.USAGE);
    }
    return image.toAbsolutePath();
  }

  /**
   * Finds the boot partition before the server issues a provisioning key, so that a wrong image
   * costs none. A compressed image's start is decompressed here and again when it is configured.
   */
  private void requireBootPartition(Path image) {
    try (ScratchDirectory scratch = ScratchDirectory.create("slipway-os-check-");
        SourceImage source = ImageSources.open(image, scratch.path())) {
      BootPartitionFinder.find(source, PartitionTableReader.read(source), labels());
    } catch (OsImageException e) {
      throw OsImageErrors.commandFailure("Reading " + image, e);
    } catch (IOException | UncheckedIOException e) {
      throw new CommandFailedException("Reading " + image + " failed: " + e.getMessage());
    }
  }

  private List<String> labels() {
    return bootLabels == null ? BootPartitionFinder.DEFAULT_LABELS : bootLabels;
  }

  private ConfigureResult configure(
      Path image, OutputImage target, SortedMap<String, byte[]> files) {
    ImageProgress progress =
        new ImageProgress(
            spec.commandLine().getErr(),
            ImageProgress.style(environment.terminal(), quiet || json),
            "Configuring",
            System::nanoTime);
    try (ScratchDirectory scratch = ScratchDirectory.create("slipway-os-configure-");
        PartialFileCleanup cleanup = PartialFileCleanup.watch(target.files())) {
      return ImageConfigurer.create(labels(), scratch.path())
          .configureFile(image, target.image(), target.format(), files, clock.millis(), progress);
    } catch (OsImageException e) {
      throw OsImageErrors.commandFailure("Configuring " + image, e);
    } catch (IOException | UncheckedIOException e) {
      throw new CommandFailedException(
          "Configuring " + image + " into " + target.image() + " failed: " + e.getMessage());
    } finally {
      progress.finish();
    }
  }

  private void report(OutputImage target, DeviceConfig config, ConfigureResult result) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("output", target.image().toString());
      document.put("format", target.format().extension());
      document.put("bytesWritten", result.bytesWritten());
      document.put("rawSize", result.rawSize());
      document.put("sha256", result.sha256());
      document.put("bmap", target.bmap().toString());
      document.put("sha256File", target.sha256().toString());
      document.put("fleet", config.fleet());
      document.put("deviceType", config.deviceType());
      JsonOutput.print(out, document);
      return;
    }
    out.println(
        "Configured "
            + target.image()
            + " for fleet "
            + config.fleet()
            + " ("
            + config.deviceType()
            + "): "
            + result.bytesWritten()
            + " bytes, raw image "
            + result.rawSize()
            + " bytes with SHA-256 "
            + result.sha256());
    target.printSideFiles(out);
    out.flush();
  }
}
