package io.slipway.cli.delta;

import io.slipway.builder.platform.Platform;
import io.slipway.builder.registry.ImageReference;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.builder.registry.RegistryException;
import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.layout.OciLayout;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens the image an {@link ImageLocation} names and picks its platform manifest. Registry
 * credentials come from the environment variables {@value #USER_VARIABLE} and {@value
 * #PASSWORD_VARIABLE}; without them the registry is read anonymously.
 */
final class ImageOpener {

  /** The environment variable naming the registry user. */
  static final String USER_VARIABLE = "SLIPWAY_REGISTRY_USER";

  /** The environment variable holding the registry password or token. */
  static final String PASSWORD_VARIABLE = "SLIPWAY_REGISTRY_PASSWORD";

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * An opened image: where its blobs come from and its platform manifest's digest.
   *
   * @param content the image's blobs, manifests included
   * @param manifest the platform manifest's digest
   * @param name the image as the user wrote it
   */
  record OpenedImage(ImageContent content, Digest manifest, String name) {}

  private final CliEnvironment environment;
  private final Platform platform;

  /**
   * @param platform the platform to pick from a multi-platform image, or null
   */
  ImageOpener(CliEnvironment environment, Platform platform) {
    this.environment = environment;
    this.platform = platform;
  }

  /**
   * Opens {@code location}.
   *
   * @throws CommandFailedException exit code 2 when the image or tag does not exist or the platform
   *     choice fails; exit code 4 when the registry cannot be reached; exit code 1 for other
   *     registry failures
   */
  OpenedImage open(ImageLocation location) {
    if (location instanceof ImageLocation.Oci oci) {
      return openLayout(oci, false);
    }
    return openRegistry((ImageLocation.Registry) location);
  }

  /**
   * Opens {@code location} as the base of a delta to apply. A layout tag that names a local
   * manifest, which an earlier apply wrote, opens as the signed manifest it stands for, because
   * deltas name that one as their source.
   *
   * @throws CommandFailedException as {@link #open} does
   */
  OpenedImage openBase(ImageLocation location) {
    if (location instanceof ImageLocation.Oci oci) {
      return openLayout(oci, true);
    }
    return openRegistry((ImageLocation.Registry) location);
  }

  private OpenedImage openLayout(ImageLocation.Oci location, boolean signedBase) {
    Path directory = location.directory();
    if (!Files.isRegularFile(directory.resolve("index.json"))) {
      throw new CommandFailedException(
          "Image "
              + location
              + " is not an OCI image layout: "
              + directory.resolve("index.json")
              + " does not exist; write the image there with skopeo copy, or name a registry",
          ExitCode.USAGE);
    }
    OciLayout layout = new OciLayout(directory);
    String name = location.toString();
    Digest named = location.digest() != null ? location.digest() : resolve(layout, location);
    Digest digest = signedBase ? signedManifest(layout, named, name) : named;
    PlatformSelector selector = new PlatformSelector(layout, platform);
    return new OpenedImage(layout, selector.select(digest, read(layout, digest, name), name), name);
  }

  /** Returns the digest that the location's tag names, or the layout's only image. */
  private static Digest resolve(OciLayout layout, ImageLocation.Oci location) {
    try {
      return layout.resolve(location.tag());
    } catch (DeltaException e) {
      if (e.failure() == DeltaFailure.INVALID_IMAGE) {
        throw new CommandFailedException(e.getMessage(), ExitCode.USAGE);
      }
      throw new CommandFailedException("Reading image " + location + " failed: " + e.getMessage());
    }
  }

  /** Returns the signed manifest behind a local manifest that an earlier apply wrote. */
  private static Digest signedManifest(OciLayout layout, Digest named, String name) {
    try {
      return layout.signedManifest(named);
    } catch (DeltaException e) {
      throw new CommandFailedException("Reading image " + name + " failed: " + e.getMessage());
    }
  }

  private static byte[] read(ImageContent content, Digest digest, String name) {
    try (var in = content.open(digest)) {
      byte[] bytes = in.readAllBytes();
      if (!Digest.of(bytes).equals(digest)) {
        throw new CommandFailedException(
            "The manifest " + digest + " of image " + name + " does not match its digest");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new CommandFailedException(
          "Image " + name + " lacks the manifest " + digest, ExitCode.USAGE);
    } catch (IOException e) {
      throw new CommandFailedException(
          "Reading the manifest " + digest + " of image " + name + " failed: " + e.getMessage());
    }
  }

  private OpenedImage openRegistry(ImageLocation.Registry location) {
    ImageReference reference = location.reference();
    RegistryClient client = new RegistryClient(reference.registry(), credentials(), TIMEOUT);
    RegistryImageContent content = new RegistryImageContent(client, reference.repository());
    String name = location.toString();
    try {
      Manifest top = content.manifest(reference.reference());
      Digest digest = Digest.of(top.digest());
      Digest selected = new PlatformSelector(content, platform).select(digest, top.bytes(), name);
      if (!selected.equals(digest)) {
        content.manifest(selected.value());
      }
      return new OpenedImage(content, selected, name);
    } catch (RegistryException e) {
      throw registryFailure(e, name);
    }
  }

  private RegistryCredentials credentials() {
    String user = environment.variable(USER_VARIABLE);
    String password = environment.variable(PASSWORD_VARIABLE);
    return user == null || password == null ? null : new RegistryCredentials(user, password);
  }

  /** Maps a registry failure to the CLI's exit codes: 2 for an unknown image, 4 unreachable. */
  static CommandFailedException registryFailure(RegistryException e, String name) {
    if (e.status() == 404) {
      return new CommandFailedException(
          "Image " + name + " does not exist: " + e.getMessage(), ExitCode.USAGE);
    }
    if (e.status() == 401 || e.status() == 403) {
      return new CommandFailedException(
          "The registry rejected the credentials for "
              + name
              + "; set "
              + USER_VARIABLE
              + " and "
              + PASSWORD_VARIABLE
              + ": "
              + e.getMessage(),
          ExitCode.NOT_AUTHORIZED);
    }
    if (e.status() == 0 && hasCause(e, ConnectException.class)) {
      return new CommandFailedException(
          "The registry of " + name + " could not be reached: " + e.getMessage(),
          ExitCode.UNREACHABLE);
    }
    return new CommandFailedException("Reading image " + name + " failed: " + e.getMessage());
  }

  private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }
}
