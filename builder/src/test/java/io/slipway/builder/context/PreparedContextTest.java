package io.slipway.builder.context;

import static io.slipway.builder.context.ContextFixture.link;
import static io.slipway.builder.context.ContextFixture.mode;
import static io.slipway.builder.context.ContextFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.builder.BuildInputException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedContextTest {

  @TempDir Path source;
  @TempDir Path work;

  @BeforeEach
  void project() throws IOException {
    write(source, "Dockerfile", "FROM %%SLIPWAY_ARCH%%\n");
    write(source, "bin/start.sh", "#!/bin/sh\n");
    mode(source.resolve("bin/start.sh"), "rwxr-xr-x");
    write(source, "secret.env", "TOKEN=x\n");
    write(source, ".dockerignore", "secret.env\nDockerfile\n");
    link(source, "bin/run", "start.sh");
  }

  @Test
  void writesKeptFilesAndTheResolvedDockerfile() throws IOException {
    Path target = work.resolve("ctx");

    PreparedContext.of(source, "FROM scratch\n").write(target);

    assertThat(target.resolve("bin/start.sh")).hasContent("#!/bin/sh");
    assertThat(target.resolve(PreparedContext.DOCKERFILE)).hasContent("FROM scratch");
    assertThat(target.resolve("secret.env")).doesNotExist();
    assertThat(target.resolve("Dockerfile")).doesNotExist();
  }

  @Test
  void keepsModesAndLinks() throws IOException {
    Path target = work.resolve("ctx");

    PreparedContext.of(source, "FROM scratch\n").write(target);

    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(target.resolve("bin/start.sh"))))
        .isEqualTo("rwxr-xr-x");
    assertThat(Files.isSymbolicLink(target.resolve("bin/run"))).isTrue();
    assertThat(Files.readSymbolicLink(target.resolve("bin/run"))).isEqualTo(Path.of("start.sh"));
  }

  @Test
  void fillsAReadOnlyDirectory() throws IOException {
    mode(source.resolve("bin"), "r-xr-xr-x");
    Path target = work.resolve("ctx");

    PreparedContext.of(source, "FROM scratch\n").write(target);

    assertThat(target.resolve("bin/start.sh")).exists();
    mode(source.resolve("bin"), "rwxr-xr-x");
  }

  @Test
  void rejectsAnExistingTarget() throws IOException {
    Path target = Files.createDirectory(work.resolve("ctx"));

    assertThatThrownBy(() -> PreparedContext.of(source, "FROM scratch\n").write(target))
        .isInstanceOf(FileAlreadyExistsException.class);
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left).containsExactly(target);
    }
  }

  @Test
  void removesThePartialCopyWhenWritingFails() throws IOException {
    Path unreadable = write(source, "locked.bin", "x");
    Files.delete(unreadable);
    link(source, "locked.bin", "locked.bin");
    PreparedContext prepared = PreparedContext.of(source, "FROM scratch\n");
    Files.delete(source.resolve("bin/start.sh"));

    assertThatThrownBy(() -> prepared.write(work.resolve("ctx"))).isInstanceOf(IOException.class);
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void rejectsAContextThatHoldsTheReservedDirectory() throws IOException {
    write(source, ".slipway/notes.txt", "mine\n");

    assertThatThrownBy(() -> PreparedContext.of(source, "FROM scratch\n"))
        .isInstanceOf(BuildInputException.class)
        .hasMessageContaining(".slipway");
  }

  @Test
  void acceptsTheReservedDirectoryWhenIgnored() throws IOException {
    write(source, ".slipway/notes.txt", "mine\n");
    write(source, ".dockerignore", ".slipway\n");

    PreparedContext.of(source, "FROM scratch\n").write(work.resolve("ctx"));

    assertThat(Files.exists(work.resolve("ctx/.slipway/notes.txt"), LinkOption.NOFOLLOW_LINKS))
        .isFalse();
  }
}
