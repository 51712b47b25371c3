package io.slipway.systemtest.agent;

import io.slipway.systemtest.process.CommandResult;
import io.slipway.systemtest.process.ExternalCommand;
import io.slipway.systemtest.server.WorkDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A root filesystem that contains a small Java runtime and nothing else, made on this machine so
 * that no base image is pulled: {@code jlink} of the test JVM's own JDK into {@code /opt/java},
 * plus the shared libraries ({@code ldd} lists them) that its binaries load from the host, such as
 * libc, libz and the dynamic loader, and an empty {@code /tmp} for the native libraries that
 * zstd-jni and JNA unpack at run time.
 *
 * <p>It is made once per build under {@code target/system-tests/jre} and reused. Not thread-safe.
 */
final class JreRootFilesystem {

  /** Where the runtime lives inside the image. */
  static final String JAVA_HOME = "/opt/java";

  /**
   * The modules that {@code jdeps --print-module-deps} lists for the agent's class path, minus
   * java.compiler (only annotation types refer to it), plus jdk.crypto.ec, which contains the EC
   * keys of signatures in Java 17 and which jdeps cannot see because it is loaded as a security
   * provider.
   */
  private static final List<String> MODULES =
      List.of(
          "java.base",
          "java.desktop",
          "java.naming",
          "java.net.http",
          "java.security.jgss",
          "java.sql",
          "jdk.unsupported",
          "jdk.crypto.ec",
          "jdk.random");

  private static final Pattern LIBRARY = Pattern.compile("(/\\S+\\.so[.0-9]*)");

  private JreRootFilesystem() {}

  /**
   * Returns the root directory for an agent with {@code jars}, making it unless an earlier run of
   * this build made it from the same JDK for the same modules and jars.
   *
   * @throws AssertionError when jlink or ldd fails
   */
  static Path make(List<Path> jars) {
    Path root = WorkDirectory.root().resolve("jre").resolve("root");
    Path done = root.resolveSibling("complete");
    String inputs =
        System.getProperty("java.home")
            + "\n"
            + MODULES
            + "\n"
            + jars.stream().map(Path::getFileName).toList()
            + "\n";
    try {
      if (Files.exists(done) && Files.readString(done).equals(inputs)) {
        return root;
      }
      WorkDirectory.deleteRecursively(root.getParent());
      Files.createDirectories(root);
      Path javaHome = root.resolve(JAVA_HOME.substring(1));
      link(javaHome);
      Path natives = Files.createDirectories(root.resolveSibling("natives"));
      extractNativeLibraries(jars, natives);
      copyLibraries(root, List.of(javaHome, natives), javaHome);
      Files.createDirectories(root.resolve("tmp"));
      Files.setPosixFilePermissions(
          root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
      Files.writeString(done, inputs);
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot make the Java runtime's root filesystem " + root, e);
    }
  }

  private static void link(Path javaHome) throws IOException {
    Files.createDirectories(javaHome.getParent());
    Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
    if (!Files.isExecutable(jlink)) {
      throw new AssertionError(
          jlink
              + " is missing: run the tests with a full JDK (openjdk-17-jdk-headless), not a JRE");
    }
    ExternalCommand.of(
            jlink.toString(),
            "--add-modules",
            String.join(",", MODULES),
            "--strip-debug",
            "--no-header-files",
            "--no-man-pages",
            "--compress=2",
            "--output",
            javaHome.toString())
        .run()
        .assertSucceeded();
  }

  /** Writes the linux x86-64 shared libraries inside {@code jars} into {@code directory}. */
  private static void extractNativeLibraries(List<Path> jars, Path directory) throws IOException {
    for (Path jar : jars) {
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        for (ZipEntry entry : Collections.list(zip.entries())) {
          if (isLinuxAmd64Library(entry.getName())) {
            Path target =
                directory.resolve(jar.getFileName() + "-" + entry.getName().replace('/', '_'));
            try (InputStream in = zip.getInputStream(entry)) {
              Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
      }
    }
  }

  private static boolean isLinuxAmd64Library(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".so")
        && lower.contains("linux")
        && (lower.contains("amd64") || lower.contains("x86-64") || lower.contains("x86_64"));
  }

  /**
   * Copies every host library that a binary under {@code trees} needs to the same path in root,
   * except the runtime's own libraries.
   */
  private static void copyLibraries(Path root, List<Path> trees, Path javaHome) throws IOException {
    Set<String> libraries = new TreeSet<>();
    for (Path tree : trees) {
      try (Stream<Path> files = Files.walk(tree)) {
        for (Path file : files.filter(JreRootFilesystem::isBinary).toList()) {
          libraries.addAll(hostLibraries(file, javaHome));
        }
      }
    }
    for (String library : libraries) {
      Path target = root.resolve(library.substring(1));
      Files.createDirectories(target.getParent());
      // The real file, not the host's symbolic link, which may point outside the image's tree.
      Files.copy(Path.of(library), target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static boolean isBinary(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file)
        && (name.endsWith(".so") || file.getParent().getFileName().toString().equals("bin"));
  }

  /** Returns the libraries that {@code ldd} resolves outside the runtime, with the loader. */
  private static Set<String> hostLibraries(Path binary, Path javaHome) {
    CommandResult ldd = ExternalCommand.of("ldd", binary.toString()).run();
    Set<String> libraries = new TreeSet<>();
    if (!ldd.succeeded()) {
      // Scripts and files that are not dynamic ELF objects have nothing to copy.
      return libraries;
    }
    Matcher matcher = LIBRARY.matcher(ldd.stdout());
    while (matcher.find()) {
      String library = matcher.group(1);
      if (!library.startsWith(javaHome.toString()) && !library.contains("/../lib/")) {
        libraries.add(library);
      }
    }
    return libraries;
  }
}
