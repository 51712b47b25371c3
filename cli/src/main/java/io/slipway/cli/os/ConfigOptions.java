package io.slipway.cli.os;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.DurationConverter;
import io.slipway.cli.ExitCode;
import io.slipway.osimage.OsImageException;
import io.slipway.osimage.config.DeviceConfig;
import io.slipway.osimage.config.NetworkSettings;
import io.slipway.osimage.config.WifiNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options that shape a device's config.json, shared by {@code os configure} and {@code os
 * download}. Some only the server can apply, because they concern the provisioning key or the
 * user's account ({@code --version}, {@code --ssh-keys}, {@code --key-expires-in}, {@code
 * --max-devices}); the others are also applied on this machine. The Wi-Fi passphrase is read from a
 * file or standard input, never from the command line, where other users could see it in the
 * process list. Not thread-safe.
 */
public class ConfigOptions {

  /** Value of {@code --wifi-psk-file} that reads the passphrase from standard input. */
  static final String STANDARD_INPUT = "-";

  @Option(
      names = "--version",
      paramLabel = "VERSION",
      description = "The OS version the image is made for, such as 6.1.0. Needs --fleet.")
  String version;

  @Option(
      names = "--wifi-ssid",
      paramLabel = "SSID",
      description = "The Wi-Fi network the device joins. Needs --wifi-psk-file.")
  String wifiSsid;

  @Option(
      names = "--wifi-psk-file",
      paramLabel = "FILE",
      description =
          "A file whose first line is the Wi-Fi passphrase, or - for standard input."
              + " Needs --wifi-ssid.")
  String wifiPskFile;

  @Option(
      names = "--hostname",
      paramLabel = "NAME",
      description = "The host name the device announces.")
  String hostname;

  @Option(
      names = "--ssh-keys",
      description = "Adds the SSH public keys of your account on the server. Needs --fleet.")
  boolean sshKeys;

  @Option(
      names = "--development-mode",
      description = "Makes the device run in development mode; never for production fleets.")
  boolean developmentMode;

  @Option(
      names = "--persistent-logging",
      description = "Makes the device keep its logs across reboots.")
  boolean persistentLogging;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How often the device asks for its target state, such as 10m. 10s to 1d.")
  Duration pollInterval;

  @Option(
      names = "--key-expires-in",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long the image's provisioning key registers devices, such as 7d. Default: the"
              + " server's. Needs --fleet.")
  Duration keyExpiresIn;

  @Option(
      names = "--max-devices",
      paramLabel = "N",
      description =
          "How many devices the image's provisioning key may register. Default: the server's."
              + " Needs --fleet.")
  Integer maxDevices;

  /**
   * Checks the options that need no file or server.
   *
   * @throws ParameterException naming the option and the fix
   */
  void validate(CommandSpec spec) {
    if ((wifiSsid == null) != (wifiPskFile == null)) {
      throw new ParameterException(
          spec.commandLine(), "--wifi-ssid and --wifi-psk-file go together: give both or neither");
    }
    if (keyExpiresIn != null && keyExpiresIn.isZero()) {
      throw new ParameterException(
          spec.commandLine(), "--key-expires-in must be longer than zero, such as 7d");
    }
    if (maxDevices != null && maxDevices < 1) {
      throw new ParameterException(
          spec.commandLine(), "--max-devices " + maxDevices + " must be 1 or more");
    }
    long pollSeconds = pollInterval == null ? DeviceConfig.MIN_POLL_INTERVAL_SECONDS : seconds();
    if (pollSeconds < DeviceConfig.MIN_POLL_INTERVAL_SECONDS
        || pollSeconds > DeviceConfig.MAX_POLL_INTERVAL_SECONDS) {
      throw new ParameterException(
          spec.commandLine(),
          "--poll-interval "
              + pollInterval
              + " is out of range: use "
              + DeviceConfig.MIN_POLL_INTERVAL_SECONDS
              + " seconds to one day");
    }
  }

  /**
   * Rejects the options only the server can apply, for a configuration read from a file.
   *
   * @throws ParameterException naming the options given
   */
  void requireNoServerOptions(CommandSpec spec) {
    List<String> serverOnly = new ArrayList<>();
    if (version != null) {
      serverOnly.add("--version");
    }
    if (sshKeys) {
      serverOnly.add("--ssh-keys");
    }
    if (keyExpiresIn != null) {
      serverOnly.add("--key-expires-in");
    }
    if (maxDevices != null) {
      serverOnly.add("--max-devices");
    }
    if (!serverOnly.isEmpty()) {
      throw new ParameterException(spec.commandLine(), serverOnlyMessage(serverOnly));
    }
  }

  private static String serverOnlyMessage(List<String> serverOnly) {
    if (serverOnly.size() == 1) {
      return serverOnly.get(0)
          + " requires a server: use --fleet ORG/FLEET instead of --config, or leave it out";
    }
    String last = serverOnly.get(serverOnly.size() - 1);
    String others = String.join(", ", serverOnly.subList(0, serverOnly.size() - 1));
    return others
        + " and "
        + last
        + " require a server: use --fleet ORG/FLEET instead of --config, or leave them out";
  }

  /**
   * Returns the body of {@code POST .../os-config}: only the options given, with durations in
   * ISO-8601. Network settings stay on this machine, so the Wi-Fi passphrase never leaves it.
   */
  Map<String, Object> requestBody() {
    Map<String, Object> body = new LinkedHashMap<>();
    if (version != null) {
      body.put("version", version);
    }
    if (sshKeys) {
      body.put("sshKeys", true);
    }
    if (developmentMode) {
      body.put("developmentMode", true);
    }
    if (persistentLogging) {
      body.put("persistentLogging", true);
    }
    if (pollInterval != null) {
      body.put("pollIntervalSeconds", seconds());
    }
    if (keyExpiresIn != null) {
      body.put("keyExpiresIn", keyExpiresIn.toString());
    }
    if (maxDevices != null) {
      body.put("maxDevices", maxDevices);
    }
    return body;
  }

  /**
   * Returns the query parameters of {@code GET .../os-image}: the same fields as {@link
   * #requestBody()} and the host name.
   *
   * @throws ParameterException for a Wi-Fi network, because its passphrase would travel in the URL
   *     and end up in access logs
   */
  Map<String, String> queryParameters(CommandSpec spec) {
    if (wifiSsid != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--wifi-ssid does not work with 'os download', which would send the passphrase in the"
              + " URL; run 'slipway os configure IMAGE --fleet ORG/FLEET --wifi-ssid ...' on a"
              + " base image instead");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    requestBody().forEach((name, value) -> parameters.put(name, value.toString()));
    if (hostname != null) {
      parameters.put("hostname", hostname);
    }
    return parameters;
  }

  /** Returns true when a Wi-Fi network or host name is asked for. */
  boolean hasNetworkSettings() {
    return wifiSsid != null || hostname != null;
  }

  /**
   * Reads the Wi-Fi network, or returns null when none is asked for.
   *
   * @throws CommandFailedException with {@link ExitCode#USAGE} when the passphrase file cannot be
   *     read or the network is invalid
   */
  WifiNetwork wifi(CliEnvironment environment) {
    if (wifiSsid == null) {
      return null;
    }
    String passphrase = readPassphrase(environment);
    try {
      return new WifiNetwork(wifiSsid, passphrase);
    } catch (OsImageException e) {
      throw new CommandFailedException(e.getMessage(), ExitCode.USAGE);
    }
  }

  /**
   * Returns {@code config} with the options given applied: the network, development mode,
   * persistent logging and poll interval. Options left out keep the configuration's values.
   *
   * @param wifi the network from {@link #wifi}, or null
   * @throws CommandFailedException with {@link ExitCode#USAGE} when a value is invalid
   */
  DeviceConfig applyTo(DeviceConfig config, WifiNetwork wifi) {
    DeviceConfig.Builder builder = config.toBuilder();
    try {
      if (hasNetworkSettings()) {
        NetworkSettings current = config.network();
        builder.network(
            new NetworkSettings(
                hostname != null ? hostname : current.hostname(),
                wifi != null ? wifi : current.wifi(),
                current.dnsServers(),
                current.ntpServers()));
      }
      if (developmentMode) {
        builder.developmentMode(true);
      }
      if (persistentLogging) {
        builder.persistentLogging(true);
      }
      if (pollInterval != null) {
        builder.pollIntervalSeconds(seconds());
      }
      return builder.build();
    } catch (OsImageException e) {
      throw new CommandFailedException(e.getMessage(), ExitCode.USAGE);
    }
  }

  private int seconds() {
    return (int) Math.min(Integer.MAX_VALUE, pollInterval.toSeconds());
  }

  private String readPassphrase(CliEnvironment environment) {
    try {
      String line;
      if (STANDARD_INPUT.equals(wifiPskFile)) {
        line =
            new BufferedReader(new InputStreamReader(environment.in(), StandardCharsets.UTF_8))
                .readLine();
      } else {
        line =
            Files.readAllLines(Path.of(wifiPskFile), StandardCharsets.UTF_8).stream()
                .findFirst()
                .orElse(null);
      }
      if (line == null || line.isEmpty()) {
        throw new CommandFailedException(
            "--wifi-psk-file " + wifiPskFile + " is empty: put the passphrase on its first line",
            ExitCode.USAGE);
      }
      return line;
    } catch (NoSuchFileException e) {
      throw new CommandFailedException(
          "--wifi-psk-file "
              + wifiPskFile
              + " does not exist: give a file with the passphrase on its first line, or - for"
              + " standard input",
          ExitCode.USAGE);
    } catch (IOException e) {
      throw new CommandFailedException(
          "Cannot read --wifi-psk-file " + wifiPskFile + ": " + e.getMessage(), ExitCode.USAGE);
    }
  }
}
