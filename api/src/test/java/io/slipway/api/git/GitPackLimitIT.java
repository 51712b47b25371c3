package io.slipway.api.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.release.ReleaseWorld;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A push whose pack is larger than the largest accepted build source is rejected whole. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitPackLimitIT {

  private static final int MAX_SOURCE = 64 * 1024;

  @TempDir static Path dataDirectory;
  @TempDir static Path work;

  private ReleaseWorld world;

  @BeforeAll
  void startServer() {
    world =
        ReleaseWorld.start(
            TestDatabase.h2(),
            dataDirectory,
            "--slipway.builder.max-source-size=" + MAX_SOURCE + "B",
            "--slipway.builder.engine=jib");
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @Test
  void packOverTheSourceLimitIsRejected() throws IOException {
    TestFleet fleet = world.newFleet();
    byte[] noise = new byte[4 * MAX_SOURCE];
    new Random(7).nextBytes(noise);
    Path repository = Files.createDirectories(work.resolve("big"));
    Files.write(repository.resolve("noise.bin"), noise);
    Files.writeString(repository.resolve("Dockerfile"), "FROM scratch\n");
    git(repository, "init", "-q", "-b", "main");
    git(repository, "add", ".");
    git(
        repository,
        "-c",
        "user.name=Dev",
        "-c",
        "user.email=dev@example.test",
        "commit",
        "-q",
        "-m",
        "Add noise");

    String remote =
        "http://git:"
            + fleet.developer()
            + "@127.0.0.1:"
            + TestServers.port(world.context())
            + "/git/"
            + fleet.org()
            + "/"
            + fleet.slug()
            + ".git";
    String push = git(repository, "push", remote, "HEAD:main");

    assertThat(push).contains("Pack exceeds the limit of 65,536 bytes");
    assertThat(push).contains("[remote rejected] HEAD -> main");
    assertThat(git(repository, "ls-remote", remote)).doesNotContain("refs/heads/main");
  }

  private String git(Path directory, String... arguments) {
    return new GitClient(work).run(directory, arguments).output();
  }
}
