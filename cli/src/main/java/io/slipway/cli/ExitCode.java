package io.slipway.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of the {@code slipway} commands that talk to a server. Scripts may rely on them;
 * {@code --help} and docs/cli.md list them.
 */
public final class ExitCode {

  /** The command did what was asked; a release it followed ended {@code SUCCESS}. */
  public static final int SUCCESS = 0;

  /** A release ended {@code FAILED}, or the server rejected the request. */
  public static final int FAILED = 1;

  /** Bad options or bad input, such as an invalid compose file. Also picocli's usage errors. */
  public static final int USAGE = 2;

  /** No login is stored, or the server rejected the token (HTTP 401 or 403). */
  public static final int NOT_AUTHORIZED = 3;

  /** The server could not be reached. */
  public static final int UNREACHABLE = 4;

  /**
   * An OS image was rejected: not a disk image, no boot partition, a full or unsupported boot
   * filesystem, or a damaged or unsafe archive. Only the {@code slipway os} commands use it.
   */
  public static final int IMAGE_REJECTED = 5;

  /**
   * The device acknowledged a command sent with {@code --wait} with an error, so the command ended
   * {@code FAILED}. Only the {@code slipway device} commands use it.
   */
  public static final int COMMAND_FAILED = 6;

  /**
   * The device did not acknowledge a command sent with {@code --wait} before the command's
   * deadline, so it ended {@code TIMED_OUT}. Only the {@code slipway device} commands use it.
   */
  public static final int COMMAND_TIMED_OUT = 7;

  /**
   * The time given to {@code --wait} ran out while the command was still {@code PENDING}. Only the
   * {@code slipway device} commands use it.
   */
  public static final int COMMAND_PENDING = 8;

  private ExitCode() {}

  /** Returns the codes with their meaning, in order, for the usage help. */
  public static Map<String, String> descriptions() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(" " + SUCCESS, "Success.");
    codes.put(" " + FAILED, "The release failed, or the server rejected the request.");
    codes.put(" " + USAGE, "Bad options or input.");
    codes.put(" " + NOT_AUTHORIZED, "Not logged in, or the server rejected the token.");
    codes.put(" " + UNREACHABLE, "The server could not be reached.");
    return codes;
  }

  /** Returns the codes of the {@code slipway device} commands with their meaning, in order. */
  public static Map<String, String> deviceDescriptions() {
    Map<String, String> codes = descriptions();
    codes.put(" " + FAILED, "The server rejected the request, such as a device not connected.");
    codes.put(" " + COMMAND_FAILED, "With --wait: the device reported that the command failed.");
    codes.put(
        " " + COMMAND_TIMED_OUT, "With --wait: the device did not answer before the deadline.");
    codes.put(" " + COMMAND_PENDING, "With --wait=DURATION: the command was still pending.");
    return codes;
  }

  /** Returns the codes of the {@code slipway os} commands with their meaning, in order. */
  public static Map<String, String> osImageDescriptions() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(" " + SUCCESS, "Success.");
    codes.put(" " + FAILED, "Reading or writing failed, or the server rejected the request.");
    codes.put(
        " " + USAGE, "Bad options or input, such as an invalid config.json or an existing output.");
    codes.put(" " + NOT_AUTHORIZED, "Not logged in, or the server rejected the token.");
    codes.put(" " + UNREACHABLE, "The server could not be reached.");
    codes.put(
        " " + IMAGE_REJECTED,
        "The image was rejected: no disk image, no boot partition, a full boot partition or a"
            + " damaged archive.");
    return codes;
  }
}
