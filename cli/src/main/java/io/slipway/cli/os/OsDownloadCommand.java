package io.slipway.cli.os;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.FleetOption;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import io.slipway.osimage.image.ImageFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code slipway os download --fleet ORG/FLEET}: saves the OS image the server configures for a
 * fleet, with a fresh provisioning key. The image arrives in a temporary file next to the output,
 * which is renamed once complete, so a failed or stopped download leaves no file behind.
 */
@Command(
    name = "download",
    sortOptions = false,
    description = {
      "Downloads an OS image for the fleet that the server configures with a fresh provisioning"
          + " key, from the base image the server stores for the fleet's device type.",
      "In img.zip the archive also holds the image's bmap and SHA-256 files."
    })
public class OsDownloadCommand implements Callable<Integer> {

  private static final int BUFFER_SIZE = 1 << 20;

  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Mixin ServerOptions serverOptions;

  @Mixin FleetOption fleetOption;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "img.zip",
      converter = OutputImage.FormatConverter.class,
      description = "img, img.zip, img.gz, img.xz or img.zst. Default: img.zip.")
  ImageFormat format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "Where the image is written. Default: ORG-FLEET[-VERSION].FORMAT in the current"
              + " directory.")
  Path output;

  @Option(names = "--force", description = "Replaces an existing output file.")
  boolean force;

  @Mixin ConfigOptions configOptions;

  @Option(
      names = {"-q", "--quiet"},
      description = "Shows no progress.")
  boolean quiet;

  @Option(
      names = "--json",
      description = "Prints only the result as one JSON document: output, format, size, sha256.")
  boolean json;

  private final CliEnvironment environment;

  OsDownloadCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    configOptions.validate(spec);
    String path = requestPath();
    Path target = target();
    new OutputImage(target, format).requireWritable(null, force, List.of(target));
    SlipwayClient client = serverOptions.client(environment);

    Download download = download(client, path, target);
    report(target, download);
    return ExitCode.SUCCESS;
  }

  private String requestPath() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("format", format.extension());
    parameters.putAll(configOptions.queryParameters(spec));
    StringJoiner query = new StringJoiner("&", "?", "");
    parameters.forEach(
        (name, value) -> query.add(SlipwayClient.encode(name) + "=" + SlipwayClient.encode(value)));
    return fleetOption.fleet().path() + "/os-image" + query;
  }

  private Path target() {
    if (output != null) {
      return output.toAbsolutePath();
    }
    String version = configOptions.version == null ? "" : "-" + configOptions.version;
    String name =
        fleetOption.fleet().organization()
            + "-"
            + fleetOption.fleet().fleet()
            + version
            + "."
            + format.extension();
    return Path.of(name).toAbsolutePath();
  }

  /** The saved file's size in bytes and lower-case hex SHA-256. */
  private record Download(long size, String sha256) {}

  private Download download(SlipwayClient client, String path, Path target) throws IOException {
    ImageProgress progress =
        new ImageProgress(
            spec.commandLine().getErr(),
            ImageProgress.style(environment.terminal(), quiet || json),
            "Downloading",
            System::nanoTime);
    Path partial = null;
    try (PartialFileCleanup cleanup = PartialFileCleanup.watch(List.of(target))) {
      partial = PartialFileCleanup.temporaryFile(target);
      HttpResponse<InputStream> response = client.download(path, "*/*");
      long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      Download saved;
      try (InputStream in = response.body()) {
        saved = save(in, partial, length, progress);
      }
      if (length >= 0 && saved.size() != length) {
        throw new CommandFailedException(
            "The download of "
                + fleetOption.fleet()
                + "'s image ended after "
                + saved.size()
                + " of "
                + length
                + " bytes; try again");
      }
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      partial = null;
      return saved;
    } catch (IOException e) {
      throw new CommandFailedException(
          "Downloading the image of "
              + fleetOption.fleet()
              + " to "
              + target
              + " failed: "
              + e.getMessage()
              + "; try again",
          ExitCode.FAILED);
    } finally {
      progress.finish();
      if (partial != null) {
        Files.deleteIfExists(partial);
      }
    }
  }

  private static Download save(InputStream in, Path partial, long length, ImageProgress progress)
      throws IOException {
    MessageDigest digest = sha256();
    long done = 0;
    try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE);
        OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), digest)) {
      byte[] buffer = new byte[BUFFER_SIZE];
      progress.progress(0, length);
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        out.write(buffer, 0, read);
        done += read;
        progress.progress(done, length);
      }
      out.flush();
      channel.force(true);
    }
    return new Download(done, HexFormat.of().formatHex(digest.digest()));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  private void report(Path target, Download download) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("output", target.toString());
      document.put("format", format.extension());
      document.put("size", download.size());
      document.put("sha256", download.sha256());
      JsonOutput.print(out, document);
      return;
    }
    out.println(
        "Downloaded "
            + target
            + " for fleet "
            + fleetOption.fleet()
            + ": "
            + download.size()
            + " bytes, SHA-256 "
            + download.sha256()
            + " (of the "
            + format.extension()
            + " file)");
    out.flush();
  }
}
