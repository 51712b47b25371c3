package io.slipway.cli.os;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.client.CountingPublisher;
import io.slipway.cli.client.SlipwayClient;
import io.slipway.cli.config.ServerOptions;
import io.slipway.cli.output.JsonOutput;
import io.slipway.osimage.OsVersionFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
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
    requireValidVersion();
    SlipwayClient client = serverOptions.client(environment);
    requireServerAdministrator(client);
    requireKnownDeviceType(client);
    Optional<JsonNode> alreadyStored = storedImage(client);
    ImageProgress.Style style = ImageProgress.style(environment.terminal(), quiet || json);
    PrintWriter err = spec.commandLine().getErr();

    String sha256 = sha256(new ImageProgress(err, style, "Hashing", System::nanoTime));

    if (alreadyStored.isPresent()) {
      return reportStored(alreadyStored.get(), sha256);
    }
    JsonNode stored =
        upload(client, sha256, new ImageProgress(err, style, "Uploading", System::nanoTime));
    return report(stored, "Uploaded " + file, sha256);
  }

  private int report(JsonNode stored, String what, String sha256) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonOutput.print(out, stored);
      return ExitCode.SUCCESS;
    }
    out.println(what + " as " + deviceType + " " + version + " with SHA-256 " + sha256);
    out.flush();
    return ExitCode.SUCCESS;
  }

  /**
   * Reports an image already stored under the version without sending the file again: success for
   * the same file, as the server treats it, and the server's conflict for another one.
   */
  private int reportStored(JsonNode stored, String sha256) {
    String storedSha256 = stored.path("sha256").asString();
    if (storedSha256.equals(sha256)) {
      return report(stored, file + " is already stored", sha256);
    }
    throw new CommandFailedException(
        "OS image "
            + deviceType
            + " "
            + version
            + " is already stored with SHA-256 "
            + storedSha256
            + ", and "
            + file
            + " has SHA-256 "
            + sha256
            + ": delete the stored image first, or upload with another --version");
  }

  /**
   * Rejects a version the server would reject, before the file is read. The server sends that error
   * without reading the body, and a client still sending a large body may see a broken connection
   * instead of the error.
   */
  private void requireValidVersion() {
    if (!OsVersionFormat.isValid(version)) {
      throw new CommandFailedException(
          "Invalid --version '" + version + "': " + OsVersionFormat.DESCRIPTION, ExitCode.USAGE);
    }
  }

  /** Rejects a device type that is not in the server's list, before the file is read. */
  private void requireKnownDeviceType(SlipwayClient client) {
    JsonNode types = client.get("/api/v1/device-types");
    List<String> slugs = new ArrayList<>();
    for (JsonNode type : types) {
      slugs.add(type.path("slug").asString());
    }
    if (!slugs.contains(deviceType)) {
      throw new CommandFailedException(
          "Unknown --device-type '"
              + deviceType
              + "': use one of the slugs that 'GET /api/v1/device-types' lists, such as "
              + String.join(", ", slugs.subList(0, Math.min(3, slugs.size()))),
          ExitCode.USAGE);
    }
  }

  /** Returns the image the server stores for the device type and version, if any. */
  private Optional<JsonNode> storedImage(SlipwayClient client) {
    JsonNode images =
        client.get("/api/v1/os-images?deviceType=" + SlipwayClient.encode(deviceType));
    for (JsonNode image : images) {
      if (image.path("version").asString().equals(version)) {
        return Optional.of(image);
      }
    }
    return Optional.empty();
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

  // NOTE: a rejection that only the server can detect from the headers, such as a file larger than
  // slipway.os-images.max-upload-size, still shows as a broken connection (exit code 4) for a
  // large file. Sending "Expect: 100-continue" would carry the server's error, but the Java 17
  // HttpClient waited without end for a non-100 response from the server in a test.
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
