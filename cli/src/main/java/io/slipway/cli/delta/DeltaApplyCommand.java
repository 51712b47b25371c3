package io.slipway.cli.delta;

import io.slipway.builder.platform.Platform;
import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CliLogging;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.ScratchDirectory;
import io.slipway.cli.delta.ImageOpener.OpenedImage;
import io.slipway.delta.DeltaException;
import io.slipway.delta.apply.AppliedBlob;
import io.slipway.delta.apply.AppliedImage;
import io.slipway.delta.apply.DeltaApplier;
import io.slipway.delta.format.PayloadReader;
import io.slipway.delta.format.PayloadRecord;
import io.slipway.delta.image.Digest;
import io.slipway.delta.layout.OciLayout;
import io.slipway.delta.manifest.DeltaManifest;
import io.slipway.delta.manifest.DeltaManifests;
import io.slipway.signing.VerificationException;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.trust.TrustPolicy;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway delta apply}: applies a delta payload to a base image and writes the target image
 * into an OCI image layout, after verifying the signed delta manifest when one is given.
 */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Applies the delta --delta to the image --base and writes the image it produces into the"
          + " OCI image layout --to. The blobs of the base image are never changed.",
      "With --manifest and --trusted-key, the signed delta manifest is verified first: a trusted"
          + " key signed it, it names this base, and the payload has its size and digest.",
      "Every blob of the new image is verified by its digest before the layout's index.json"
          + " names it, so a failed apply leaves the layout as it was."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:Success.",
      " 1:The delta was rejected (bad signature, wrong base, damaged or truncated payload) or"
          + " could not be applied.",
      " 2:Bad options or input, such as a missing file, image or tag, or an invalid key.",
      " 3:The registry rejected the credentials.",
      " 4:The registry could not be reached."
    })
public class DeltaApplyCommand implements Callable<Integer> {

  /** The name of the new image in index.json when {@code --to} names none. */
  static final String DEFAULT_TAG = "latest";

  @Spec CommandSpec spec;

  @Option(
      names = "--base",
      required = true,
      paramLabel = "IMAGE",
      description =
          "The image the delta starts from: oci:DIR[:TAG|@sha256:HEX] or"
              + " HOST[:PORT]/REPOSITORY[:TAG|@sha256:HEX].")
  String base;

  @Option(
      names = "--delta",
      required = true,
      paramLabel = "FILE",
      description = "The delta payload that 'slipway delta make' wrote.")
  Path delta;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "oci:DIR[:TAG]",
      description =
          "The OCI image layout that receives the new image, created when missing; it may be the"
              + " base's own layout. TAG names the image in index.json; default: latest.")
  String to;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "The platform to take from a multi-platform base image, such as linux/arm64.")
  String platform;

  @Option(
      names = "--manifest",
      paramLabel = "FILE",
      description =
          "The signed delta manifest (Sigstore bundle JSON) to verify. Needs --trusted-key.")
  Path manifest;

  @Option(
      names = "--trusted-key",
      paramLabel = "FILE",
      description = "The PEM public key that must have signed --manifest.")
  Path trustedKey;

  private final CliEnvironment environment;
  private final Clock clock;

  DeltaApplyCommand(CliEnvironment environment) {
    this(environment, Clock.systemUTC());
  }

  DeltaApplyCommand(CliEnvironment environment, Clock clock) {
    this.environment = environment;
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    CliLogging.quiet();
    ImageLocation baseLocation = DeltaOptions.location(spec, "--base", base);
    ImageLocation.Oci destination = destination();
    Platform chosen = DeltaOptions.platform(spec, platform);
    if ((manifest == null) != (trustedKey == null)) {
      throw new ParameterException(
          spec.commandLine(), "--manifest and --trusted-key go together: give both or neither");
    }
    requireFile(delta, "--delta");
    TrustPolicy policy = trustedKey == null ? null : KeyFiles.trusting(trustedKey);

    OpenedImage image = new ImageOpener(environment, chosen).openBase(baseLocation);
    DeltaManifest verified = policy == null ? null : verifiedManifest(policy, image);
    Digest target = verified == null ? targetFromPayload() : verified.target();

    Applied applied = apply(image, target, verified, destination);
    spec.commandLine().getOut().println(describe(applied, destination));
    spec.commandLine().getOut().flush();
    return 0;
  }

  private ImageLocation.Oci destination() {
    ImageLocation location = DeltaOptions.location(spec, "--to", to);
    if (!(location instanceof ImageLocation.Oci oci) || oci.digest() != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--to: '"
              + to
              + "' is not oci:DIR or oci:DIR:TAG; the new image goes into an OCI image"
              + " layout, named by a tag or by nothing");
    }
    if (oci.tag() != null && !OciLayout.isValidRefName(oci.tag())) {
      throw new ParameterException(
          spec.commandLine(),
          "--to: tag '"
              + oci.tag()
              + "' is invalid; use 1 to 255 letters, digits and . _ - : @ + /, starting with a"
              + " letter or digit");
    }
    return oci;
  }

  private void requireFile(Path file, String option) {
    if (Files.isDirectory(file)) {
      throw new CommandFailedException(
          option + " " + file + " is a directory; name a file inside it", ExitCode.USAGE);
    }
    if (!Files.isRegularFile(file)) {
      throw new CommandFailedException(option + " " + file + " does not exist", ExitCode.USAGE);
    }
  }

  /**
   * Verifies the signed delta manifest: signature and key, then that it starts from the base and
   * describes this payload file.
   */
  private DeltaManifest verifiedManifest(TrustPolicy policy, OpenedImage image) throws IOException {
    requireFile(manifest, "--manifest");
    DeltaManifest verified;
    try {
      Bundle bundle = Bundle.parse(Files.readAllBytes(manifest));
      verified = DeltaManifests.verify(bundle, policy, clock.instant());
    } catch (VerificationException e) {
      throw rejected(
          "The delta manifest "
              + manifest
              + " is rejected ("
              + e.failure()
              + "): "
              + e.getMessage());
    }
    if (!verified.source().equals(image.manifest())) {
      throw rejected(
          "The delta manifest "
              + manifest
              + " is for base "
              + verified.source()
              + ", but "
              + image.name()
              + " is "
              + image.manifest()
              + "; make a delta from the image the device runs");
    }
    long size = Files.size(delta);
    Digest digest = PayloadFile.digest(delta);
    if (size != verified.payloadSize() || !digest.equals(verified.payloadDigest())) {
      throw rejected(
          "The delta "
              + delta
              + " ("
              + size
              + " bytes, "
              + digest
              + ") is not the payload the manifest signs ("
              + verified.payloadSize()
              + " bytes, "
              + verified.payloadDigest()
              + "); download it again");
    }
    return verified;
  }

  /** Reads the target from an unsigned payload's header, which the applier checks again. */
  private Digest targetFromPayload() throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(delta));
        PayloadReader reader = new PayloadReader(in)) {
      PayloadRecord first = reader.next();
      if (!(first instanceof PayloadRecord.Header header)) {
        throw rejected("The delta " + delta + " does not start with a header");
      }
      return header.targetManifest();
    } catch (DeltaException e) {
      throw rejected(
          "The delta " + delta + " is rejected (" + e.failure() + "): " + e.getMessage());
    }
  }

  /**
   * Applies the payload into a staging directory inside the destination layout, so the verified
   * blobs move into place by rename, then adds the image to the layout's index.
   */
  private Applied apply(
      OpenedImage image, Digest target, DeltaManifest verified, ImageLocation.Oci destination)
      throws IOException {
    Path created = firstMissing(destination.directory());
    try {
      return applyInto(createLayout(destination), image, target, verified, destination);
    } catch (IOException | RuntimeException | Error e) {
      // A failed apply must leave no new files, so delete the directories this run created.
      if (created != null) {
        ScratchDirectory.deleteTree(created);
      }
      throw e;
    }
  }

  /** Returns the outermost directory of {@code directory}'s path that does not exist yet. */
  private static Path firstMissing(Path directory) {
    Path missing = null;
    for (Path path = directory.toAbsolutePath(); path != null; path = path.getParent()) {
      if (Files.exists(path)) {
        return missing;
      }
      missing = path;
    }
    return missing;
  }

  private Applied applyInto(
      OciLayout layout,
      OpenedImage image,
      Digest target,
      DeltaManifest verified,
      ImageLocation.Oci destination)
      throws IOException {
    try (ScratchDirectory scratch = ScratchDirectory.create("slipway-delta-apply-");
        ScratchDirectory staging = ScratchDirectory.createIn(layout.dir(), ".slipway-staging-");
        InputStream payload = new BufferedInputStream(Files.newInputStream(delta), 1 << 16)) {
      AppliedImage applied;
      try {
        DeltaApplier applier = new DeltaApplier(scratch.path());
        // The signed overload checks the payload's size and digest again while it streams, in
        // case the file changed since it was hashed.
        applied =
            verified == null
                ? applier.apply(payload, image.content(), image.manifest(), target, staging.path())
                : applier.apply(payload, image.content(), verified, staging.path());
      } catch (DeltaException e) {
        throw rejected(
            "Applying "
                + delta
                + " to "
                + image.name()
                + " failed ("
                + e.failure()
                + "): "
                + e.getMessage());
      }
      String refName = destination.tag() != null ? destination.tag() : DEFAULT_TAG;
      try {
        return new Applied(applied, layout.addImage(applied, image.content(), refName), refName);
      } catch (DeltaException e) {
        throw new CommandFailedException(
            "Adding image " + target + " to " + destination + " failed: " + e.getMessage());
      }
    }
  }

  private static OciLayout createLayout(ImageLocation.Oci destination) {
    try {
      return OciLayout.create(destination.directory());
    } catch (DeltaException e) {
      throw new CommandFailedException(
          "--to " + destination + " is not a usable OCI image layout: " + e.getMessage(),
          ExitCode.USAGE);
    }
  }

  /**
   * An applied image and where it went.
   *
   * @param image the verified target image
   * @param named the digest the layout names: the target manifest, or a local manifest that lists
   *     uncompressed layers
   * @param refName the name in the layout's index.json
   */
  private record Applied(AppliedImage image, Digest named, String refName) {}

  private static String describe(Applied applied, ImageLocation.Oci destination) {
    int rebuilt = 0;
    int reused = 0;
    int uncompressed = 0;
    for (AppliedBlob blob : applied.image().blobs()) {
      switch (blob.kind()) {
        case LAYER_EXACT -> rebuilt++;
        case LAYER_REUSED -> reused++;
        case LAYER_UNCOMPRESSED -> uncompressed++;
        default -> {}
      }
    }
    String local =
        applied.named().equals(applied.image().targetManifest())
            ? ""
            : " (as the local manifest " + applied.named() + ", which lists uncompressed layers)";
    return "Applied the delta: image "
        + applied.image().targetManifest()
        + " is "
        + applied.refName()
        + " in "
        + destination.directory()
        + local
        + "; layers: "
        + rebuilt
        + " rebuilt, "
        + reused
        + " reused, "
        + uncompressed
        + " kept uncompressed; "
        + applied.image().payloadBytes()
        + " payload bytes read";
  }

  private static CommandFailedException rejected(String message) {
    return new CommandFailedException(message, ExitCode.FAILED);
  }
}
