package io.slipway.cli.os;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slipway os}: groups the commands that make flashable OS images for a fleet. */
@Command(
    name = OsCommand.NAME,
    mixinStandardHelpOptions = true,
    description = {
      "Makes flashable OS images that carry a fleet's config.json, so that a device joins the"
          + " fleet on its first boot.",
      "'configure' writes the configuration into a base image on this machine, 'assemble' builds"
          + " an image from a Yocto build's output, and 'download' fetches an image the server"
          + " configured."
    },
    subcommands = {
      OsConfigureCommand.class,
      OsAssembleCommand.class,
      OsDownloadCommand.class,
      OsImagesCommand.class,
      OsUploadCommand.class,
      CommandLine.HelpCommand.class
    })
public class OsCommand implements Runnable {

  /** The command's name, which also selects its exit code list. */
  public static final String NAME = "os";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing subcommand: use 'slipway os configure', 'assemble', 'download', 'images' or"
            + " 'upload'");
  }
}
