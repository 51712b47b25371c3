package io.slipway.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {

  @TempDir Path temporary;

  @Test
  void privateFileHasOwnerOnlyMode() throws Exception {
    Path file = temporary.resolve("secret");

    PrivateFiles.writePrivate(file, "s3cret".getBytes(StandardCharsets.UTF_8));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file)).isEqualTo("s3cret");
  }

  @Test
  void missingParentsAreCreatedOwnerOnly() throws Exception {
    Path file = temporary.resolve("a").resolve("b").resolve("secret");

    PrivateFiles.writePrivate(file, new byte[] {1});

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file.getParent().getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void writeReplacesContentAndLeavesNoTemporaryFile() throws Exception {
    Path file = temporary.resolve("server.port");

    PrivateFiles.writePublic(file, "1\n".getBytes(StandardCharsets.US_ASCII));
    PrivateFiles.writePublic(file, "2\n".getBytes(StandardCharsets.US_ASCII));

    assertThat(Files.readString(file)).isEqualTo("2\n");
    try (var entries = Files.list(temporary)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void groupReadableFileIsExposed() throws Exception {
    Path file = temporary.resolve("key");
    Files.writeString(file, "k");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

    assertThat(PrivateFiles.isExposed(file)).isTrue();
  }
}
