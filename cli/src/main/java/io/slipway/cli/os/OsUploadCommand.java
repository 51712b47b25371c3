package io.slipway.cli.os;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.CountingPublisher;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code slipway os upload FILE}: stores a base OS image on the server for one device type and
 * version. The file's SHA-256 is computed first and sent with the upload, so the server can check
 * that what it stored is what was read here. Server administrators only.
 */
@Command(
    name = "upload",
    sortOptions = false,
    description = {
      "Uploads the base OS image FILE (.img, .img.zip, .img.gz, .img.xz or .img.zst) for a device"
          + " type and OS version. Needs a server administrator's token.",
      "The file's SHA-256 is computed first and sent along; the server rejects a file that does"
          + " not match it."
    })
public class OsUploadCommand implements Callable<Integer> {

  private static final int BUFFER_SIZE = 1 << 20;

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Mixin ServerOptions serverOptions;

  @Parameters(index = "0", paramLabel = "FILE", description = "The base OS image.")
  Path file;

  @Option(
      names = "--device-type",
      required = true,
      paramLabel = "SLUG",
      description = "The device type the image runs on, such as raspberrypi4-64.")
  String deviceType;

  @Option(
      names = "--version",
      required = true,
      paramLabel = "VERSION",
      description = "The OS version, such as 6.1.0.")
  String version;

  @Option(
      names = {"-q", "--quiet"},
      description = "Shows no progress.")
  boolean quiet;

  @Option(names = "--json", description = "Prints only the server's JSON for the stored image.")
  boolean json;

  OsUploadCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (!Files.isRegularFile(file)) {
      throw new CommandFailedException(
          "Image " + file + " does not exist or is not a file; give the base image's path",
          ExitCode.USAGE);
    }
    SlipwayClient client = serverOptions.client(environment);
    requireServerAdministrator(client);
    ImageProgress.Style style = ImageProgress.style(environment.terminal(), quiet || json);
    PrintWriter err = spec.commandLine().getErr();

    String sha256 = sha256(new ImageProgress(err, style, "Hashing", System::nanoTime));
    JsonNode stored =
        upload(client, sha256, new ImageProgress(err, style, "Uploading", System::nanoTime));

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, stored);
      return ExitCode.SUCCESS;
    }
    out.println(
        "Uploaded " + file + " as " + deviceType + " " + version + " with SHA-256 " + sha256);
    out.flush();
    return ExitCode.SUCCESS;
  }

  /**
   * Rejects a token that is not a server administrator's before the file is read and sent. The
   * server rejects such an upload too, but it closes the connection before the body has been sent,
   * and the client would see a broken connection instead of the server's error.
   */
  private static void requireServerAdministrator(SlipwayClient client) {
    JsonNode user = client.get("/api/v1/user");
    if (!user.path("serverAdmin").asBoolean(false)) {
      throw new CommandFailedException(
          "Uploading base OS images needs a server administrator, and user '"
              + user.path("username").asString()
              + "' is none; use an administrator's token",
          ExitCode.NOT_AUTHORIZED);
    }
  }

  private String sha256(ImageProgress progress) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      long size = Files.size(file);
      long done = 0;
      byte[] buffer = new byte[BUFFER_SIZE];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
        done += read;
        progress.progress(done, size);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new CommandFailedException(
          "Cannot read " + file + ": " + e.getMessage(), ExitCode.USAGE);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    } finally {
      progress.finish();
    }
  }

  private JsonNode upload(SlipwayClient client, String sha256, ImageProgress progress) {
    String path =
        "/api/v1/os-images?deviceType="
            + SlipwayClient.encode(deviceType)
            + "&version="
            + SlipwayClient.encode(version)
            + "&sha256="
            + sha256;
    try {
      long size = Files.size(file);
      CountingPublisher body =
          new CountingPublisher(BodyPublishers.ofFile(file), sent -> progress.progress(sent, size));
      return client.post(path, "application/octet-stream", body);
    } catch (IOException e) {
      throw new CommandFailedException(
          "Cannot read " + file + ": " + e.getMessage(), ExitCode.USAGE);
    } finally {
      progress.finish();
    }
  }
}
