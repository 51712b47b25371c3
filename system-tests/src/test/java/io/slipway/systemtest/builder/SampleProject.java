package io.slipway.systemtest.builder;

import io.slipway.systemtest.process.ExternalCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * A two-service project as a developer would write it for Slipway: a compose file, a {@code
 * Dockerfile.template} that uses the device-type variables, a multi-stage Dockerfile with {@code
 * COPY --from}, and a {@code .dockerignore}. Both images start from {@code acme/base/busybox:1.0}
 * in Slipway's own registry.
 *
 * <p>When run, each container prints one line: {@code web MACHINE ARCH BUILT_ON} or {@code worker
 * ARCH DATA}, where ARCH is {@code uname -m} at run time and BUILT_ON the {@code uname -m} that a
 * {@code RUN} step recorded at build time (only in the variant with {@code RUN}).
 */
public final class SampleProject {

  /** The base image every service starts from, relative to Slipway's registry. */
  public static final String BASE = "acme/base/busybox:1.0";

  /** Modification time of every file in the project. */
  static final Instant SOURCE_TIME = Instant.parse("2026-11-02T10:15:30Z");

  private SampleProject() {}

  /**
   * Writes the project into {@code directory}.
   *
   * @param withRun whether the web service records its build architecture in a {@code RUN} step,
   *     which only a runtime engine (Docker or BuildKit) can execute
   * @param data the worker's data file content; change it to change one source file
   */
  public static Path write(Path directory, boolean withRun, String data) {
    try {
      Files.createDirectories(directory.resolve("web/app"));
      Files.createDirectories(directory.resolve("worker"));
      Files.writeString(directory.resolve("docker-compose.yml"), compose());
      Files.writeString(directory.resolve("web/Dockerfile.template"), webDockerfile(withRun));
      Files.writeString(directory.resolve("web/.dockerignore"), "*.md\n");
      Files.writeString(directory.resolve("web/NOTES.md"), "not part of the image\n");
      script(
          directory.resolve("web/app/report.sh"),
          "echo \"web $MACHINE $(uname -m) $(cat /built-on 2>/dev/null || echo none)"
              + " $(ls /app | tr '\\n' ' ')\"\n");
      Files.writeString(directory.resolve("worker/Dockerfile"), workerDockerfile());
      Files.writeString(directory.resolve("worker/data.txt"), data + "\n");
      script(
          directory.resolve("worker/run.sh"), "echo \"worker $(uname -m) $(cat /srv/data.txt)\"\n");
      fixTimes(directory);
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the sample project into " + directory, e);
    }
  }

  /** Packs {@code directory} into a gzip-compressed tar next to it and returns its path. */
  public static Path archive(Path directory) {
    Path archive = directory.resolveSibling(directory.getFileName() + ".tar.gz");
    ExternalCommand.of("tar", "-C", directory.toString(), "-czf", archive.toString(), ".")
        .run()
        .assertSucceeded();
    return archive;
  }

  private static String compose() {
    return """
        version: "2.4"
        services:
          web:
            build:
              context: ./web
              args:
                GREETING: hi
            environment:
              MODE: production
            ports:
              - "8080:80"
            restart: always
          worker:
            build: ./worker
            privileged: true
            labels:
              io.slipway.features.supervisor-api: "1"
        """;
  }

  private static String webDockerfile(boolean withRun) {
    String run = withRun ? "RUN uname -m > /built-on\n" : "";
    return """
        # The machine name comes from the device type the image is built for.
        ARG GREETING=hello
        FROM %s
        ARG GREETING
        ENV MACHINE=%%%%SLIPWAY_MACHINE_NAME%%%% \\
            GREETING=${GREETING}
        WORKDIR /app
        COPY app/ /app/
        %sCMD ["sh", "/app/report.sh"]
        """
        .formatted(BASE, run);
  }

  private static String workerDockerfile() {
    return """
        FROM %s AS assets
        COPY data.txt /data/data.txt

        FROM %s
        COPY --from=assets /data/data.txt /srv/data.txt
        COPY run.sh /run.sh
        ENTRYPOINT ["sh", "/run.sh"]
        """
        .formatted(BASE, BASE);
  }

  /**
   * Sets every file's modification time to one fixed instant, as a checkout of one commit would
   * have, so that the same content uploads as the same archive.
   */
  private static void fixTimes(Path directory) throws IOException {
    FileTime time = FileTime.from(SOURCE_TIME);
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.toList()) {
        Files.setLastModifiedTime(path, time);
      }
    }
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
