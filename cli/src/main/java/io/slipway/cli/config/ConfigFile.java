package io.slipway.cli.config;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CLI's configuration file, {@code $XDG_CONFIG_HOME/slipway/config.json} or else {@code
 * ~/.config/slipway/config.json}, containing {@code {"server": "...", "token": "..."}}. Its
 * directory is made owner-only (0700), and the file is written owner-only (0600) and atomically. A
 * new file is written next to it, synced, then moved over it. A reader therefore sees the old or
 * the new content, and the token is never readable by other users. Between processes the last
 * writer wins.
 */
public final class ConfigFile {

  /** Environment variable naming the base directory of user configuration files. */
  public static final String XDG_CONFIG_HOME = "XDG_CONFIG_HOME";

  static final Set<PosixFilePermission> DIRECTORY_MODE =
      PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path file;

  /** Creates a config file at {@code file}, whose parent directory is made owner-only. */
  public ConfigFile(Path file) {
    this.file = file.toAbsolutePath().normalize();
  }

  /**
   * Returns the config file of {@code environment}: under {@code XDG_CONFIG_HOME} when that is an
   * absolute path (the XDG rules ignore a relative one), else under {@code ~/.config}.
   */
  public static ConfigFile of(CliEnvironment environment) {
    String base = environment.variable(XDG_CONFIG_HOME);
    Path directory =
        base != null && Path.of(base).isAbsolute()
            ? Path.of(base)
            : environment.home().resolve(".config");
    return new ConfigFile(directory.resolve("slipway").resolve("config.json"));
  }

  /** Returns the file's path. */
  public Path path() {
    return file;
  }

  /**
   * Reads the stored login.
   *
   * @return empty when the file does not exist or contains no token
   * @throws CommandFailedException with {@link ExitCode#USAGE} naming the file when it is not valid
   *     JSON or its server is not a URL
   */
  public Optional<StoredLogin> read() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | JacksonException e) {
      throw new CommandFailedException(
          "Cannot read " + file + ": " + e.getMessage() + "; fix it, or delete it and log in again",
          ExitCode.USAGE);
    }
    String server = root.path("server").asString("");
    String token = root.path("token").asString("");
    if (server.isBlank() || token.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new StoredLogin(ServerUrl.parse(server, file.toString()), token));
  }

  /**
   * Stores {@code login}, replacing what the file held.
   *
   * @throws IOException when the directory or file cannot be written; the old file is then intact
   */
  public void write(StoredLogin login) throws IOException {
    Path directory = file.getParent();
    ownerOnlyDirectory(directory);

    Map<String, String> content = new LinkedHashMap<>();
    content.put("server", login.server().toString());
    content.put("token", login.token());
    byte[] bytes =
        (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(content) + "\n")
            .getBytes(StandardCharsets.UTF_8);

    FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE_MODE);
    Path temporary = Files.createTempFile(directory, ".config-", ".json.tmp", mode);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(channel)) {
        out.write(bytes);
        out.flush();
        channel.force(true);
      }
      move(temporary);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private void move(Path temporary) throws IOException {
    try {
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same directory, so only an odd file system ends up here; a plain replace is the best left.
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Creates {@code directory} as 0700, or narrows an existing one to 0700. */
  private static void ownerOnlyDirectory(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      Files.setPosixFilePermissions(directory, DIRECTORY_MODE);
      return;
    }
    Files.createDirectories(directory.getParent());
    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
    // The umask may have taken bits away, never added any; set the mode exactly anyway.
    Files.setPosixFilePermissions(directory, DIRECTORY_MODE);
  }

  @Override
  public String toString() {
    return "ConfigFile[" + file + "]";
  }
}
