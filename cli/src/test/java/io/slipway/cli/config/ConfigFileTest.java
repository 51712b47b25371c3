package io.slipway.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.cli.CliEnvironment;
import io.slipway.cli.CommandFailedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  private static final URI SERVER = URI.create("http://127.0.0.1:8080");

  @TempDir Path home;

  private CliEnvironment environment(Map<String, String> variables) {
    return new CliEnvironment(variables, home, new ByteArrayInputStream(new byte[0]), null);
  }

  @Test
  void liesUnderDotConfigWithoutXdgConfigHome() {
    ConfigFile file = ConfigFile.of(environment(Map.of()));

    assertThat(file.path()).isEqualTo(home.resolve(".config/slipway/config.json"));
  }

  @Test
  void liesUnderAnAbsoluteXdgConfigHome() {
    Path base = home.resolve("xdg");

    ConfigFile file = ConfigFile.of(environment(Map.of("XDG_CONFIG_HOME", base.toString())));

    assertThat(file.path()).isEqualTo(base.resolve("slipway/config.json"));
  }

  @Test
  void ignoresARelativeXdgConfigHome() {
    ConfigFile file = ConfigFile.of(environment(Map.of("XDG_CONFIG_HOME", "relative/dir")));

    assertThat(file.path()).isEqualTo(home.resolve(".config/slipway/config.json"));
  }

  @Test
  void writtenLoginReadsBack() throws IOException {
    ConfigFile file = ConfigFile.of(environment(Map.of()));

    file.write(new StoredLogin(SERVER, "slt_abc"));

    assertThat(file.read()).contains(new StoredLogin(SERVER, "slt_abc"));
  }

  @Test
  void newDirectoryIsOwnerOnly() throws IOException {
    ConfigFile file = ConfigFile.of(environment(Map.of()));

    file.write(new StoredLogin(SERVER, "slt_abc"));

    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path().getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void fileIsOwnerOnly() throws IOException {
    ConfigFile file = ConfigFile.of(environment(Map.of()));

    file.write(new StoredLogin(SERVER, "slt_abc"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())))
        .isEqualTo("rw-------");
  }

  @Test
  void existingOpenDirectoryIsNarrowedToOwnerOnly() throws IOException {
    Path directory = home.resolve(".config/slipway");
    Files.createDirectories(directory);
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));

    ConfigFile.of(environment(Map.of())).write(new StoredLogin(SERVER, "slt_abc"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)))
        .isEqualTo("rwx------");
  }

  @Test
  void rewriteReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    ConfigFile file = ConfigFile.of(environment(Map.of()));
    file.write(new StoredLogin(SERVER, "slt_old"));
    Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-r--r--"));

    file.write(new StoredLogin(SERVER, "slt_new"));

    assertThat(file.read().orElseThrow().token()).isEqualTo("slt_new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())))
        .isEqualTo("rw-------");
    try (var entries = Files.list(file.path().getParent())) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("config.json");
    }
  }

  @Test
  void missingFileIsNoLogin() {
    assertThat(ConfigFile.of(environment(Map.of())).read()).isEmpty();
  }

  @Test
  void malformedFileIsAnInputErrorNamingIt() throws IOException {
    ConfigFile file = ConfigFile.of(environment(Map.of()));
    Files.createDirectories(file.path().getParent());
    Files.writeString(file.path(), "{not json");

    assertThatThrownBy(file::read)
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining(file.path().toString())
        .extracting(e -> ((CommandFailedException) e).exitCode())
        .isEqualTo(2);
  }

  @Test
  void storedLoginHidesItsToken() {
    assertThat(new StoredLogin(SERVER, "slt_secret").toString()).doesNotContain("slt_secret");
  }
}
