package io.slipway.cli.delta;

import io.slipway.builder.platform.Platform;
import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CliLogging;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.cli.ScratchDirectory;
import io.slipway.cli.delta.ImageOpener.OpenedImage;
import io.slipway.delta.DeltaException;
import io.slipway.delta.encode.DeltaMaker;
import io.slipway.delta.encode.DeltaSummary;
import io.slipway.delta.manifest.DeltaManifest;
import io.slipway.delta.manifest.DeltaManifests;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.key.LocalSigner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway delta make}: writes the delta payload that turns one platform image into another,
 * and optionally its signed delta manifest.
 */
@Command(
    name = "make",
    mixinStandardHelpOptions = true,
    description = {
      "Makes the delta that turns the image --from into the image --to and writes it to --output.",
      "Images are oci:DIR[:TAG|@sha256:HEX] (an OCI image layout) or"
          + " HOST[:PORT]/REPOSITORY[:TAG|@sha256:HEX] (a registry; credentials from"
          + " SLIPWAY_REGISTRY_USER and SLIPWAY_REGISTRY_PASSWORD, else anonymous).",
      "With --sign-key and --manifest it also writes the signed delta manifest, a Sigstore bundle"
          + " that devices and 'slipway delta apply --manifest' verify."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:Success.",
      " 1:The delta could not be made, such as a damaged image or a failed write.",
      " 2:Bad options or input, such as an image or tag that does not exist or an invalid key.",
      " 3:The registry rejected the credentials.",
      " 4:The registry could not be reached."
    })
public class DeltaMakeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "IMAGE",
      description = "The image devices run now, which the delta starts from.")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "IMAGE",
      description = "The image the delta produces.")
  String to;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "Where the delta payload is written; replaced when it exists.")
  Path output;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description =
          "The platform to take from multi-platform images, such as linux/arm64. Needed when an"
              + " image has more than one.")
  String platform;

  @Option(
      names = "--sign-key",
      paramLabel = "FILE",
      description =
          "An unencrypted PKCS#8 PEM private key (ECDSA P-256 or Ed25519) that signs the delta"
              + " manifest. Needs --manifest.")
  Path signKey;

  @Option(
      names = "--manifest",
      paramLabel = "FILE",
      description = "Where the signed delta manifest (Sigstore bundle JSON) is written.")
  Path manifest;

  private final CliEnvironment environment;
  private final Clock clock;

  DeltaMakeCommand(CliEnvironment environment) {
    this(environment, Clock.systemUTC());
  }

  DeltaMakeCommand(CliEnvironment environment, Clock clock) {
    this.environment = environment;
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    CliLogging.quiet();
    ImageLocation source = DeltaOptions.location(spec, "--from", from);
    ImageLocation target = DeltaOptions.location(spec, "--to", to);
    Platform chosen = DeltaOptions.platform(spec, platform);
    if ((signKey == null) != (manifest == null)) {
      throw new ParameterException(
          spec.commandLine(), "--sign-key and --manifest go together: give both or neither");
    }
    requireDirectoryOf(output, "--output");
    if (manifest != null) {
      requireDirectoryOf(manifest, "--manifest");
    }
    LocalSigner signer = signKey == null ? null : KeyFiles.signer(signKey);

    ImageOpener opener = new ImageOpener(environment, chosen);
    OpenedImage base = opener.open(source);
    OpenedImage targetImage = opener.open(target);
    if (base.manifest().equals(targetImage.manifest())) {
      throw new CommandFailedException(
          "--from and --to are the same image " + base.manifest() + "; a delta needs two images",
          ExitCode.USAGE);
    }

    PayloadFile.Written written = write(base, targetImage);
    PrintWriter out = spec.commandLine().getOut();
    out.println(describe(written));
    if (signer != null) {
      DeltaManifest signed =
          DeltaManifest.current(
              base.manifest(), targetImage.manifest(), written.size(), written.digest());
      Bundle bundle = DeltaManifests.sign(signer, signed, clock.instant());
      PayloadFile.writeAtomically(manifest, bundle.toJson());
      out.println("Signed delta manifest " + manifest + " with key " + signer.hint().value());
    }
    out.flush();
    return 0;
  }

  private static void requireDirectoryOf(Path file, String option) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new CommandFailedException(
          option + " " + file + ": the directory " + parent + " does not exist", ExitCode.USAGE);
    }
    if (Files.isDirectory(file)) {
      throw new CommandFailedException(
          option + " " + file + " is a directory; name a file inside it", ExitCode.USAGE);
    }
  }

  private PayloadFile.Written write(OpenedImage base, OpenedImage targetImage) throws IOException {
    try (ScratchDirectory scratch = ScratchDirectory.create("slipway-delta-make-")) {
      return PayloadFile.write(
          output,
          payload ->
              DeltaMaker.standard()
                  .make(
                      base.content(),
                      base.manifest(),
                      targetImage.content(),
                      targetImage.manifest(),
                      payload,
                      scratch.path()));
    } catch (DeltaException e) {
      throw new CommandFailedException(
          "Making the delta from "
              + base.name()
              + " to "
              + targetImage.name()
              + " failed: "
              + e.getMessage());
    }
  }

  private String describe(PayloadFile.Written written) {
    DeltaSummary summary = written.summary();
    String share =
        summary.targetSize() > 0
            ? String.format(
                Locale.ROOT,
                " (%.2f%% of the %,d bytes of a full pull)",
                100.0 * written.size() / summary.targetSize(),
                summary.targetSize())
            : "";
    return "Delta "
        + written.digest()
        + " from "
        + summary.sourceManifest()
        + " to "
        + summary.targetManifest()
        + ": "
        + written.size()
        + " bytes"
        + share
        + " in "
        + output
        + "; layers: "
        + summary.reusedLayers()
        + " reused, "
        + summary.encodedLayers()
        + " encoded, "
        + summary.diffIdOnlyLayers()
        + " without exact recompression";
  }
}
