package io.slipway.cli;

/** Entry point of the {@code slipway} command; exits with the command's exit code. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(SlipwayCommand.commandLine().execute(args));
  }
}
