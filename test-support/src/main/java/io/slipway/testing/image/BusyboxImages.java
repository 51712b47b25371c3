package io.slipway.testing.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * Makes a two-platform busybox base image (linux/amd64 and linux/arm64) and pushes it to a registry
 * as an OCI image index, for the builder's engine tests. Nothing comes from the internet: the amd64
 * binary is the host's {@code /bin/busybox} from Debian's busybox-static, the arm64 one is the same
 * package for arm64 (see {@link #arm64Busybox()}).
 *
 * <p>Each platform is one gzip layer holding {@code bin/busybox} and symbolic links for {@link
 * #APPLETS}, with fixed times and root ownership, and a config that records its own os and
 * architecture. The same binaries give the same digests on every run. Thread-safe.
 */
public final class BusyboxImages {

  /** The commands linked to busybox in {@code /bin}. */
  public static final List<String> APPLETS =
      List.of("sh", "echo", "cat", "uname", "sleep", "ls", "env", "true");

  /** The platforms the index holds, in index order. */
  public static final List<String> PLATFORMS = List.of("linux/amd64", "linux/arm64");

  /** The file whose content distinguishes the variants' images. */
  public static final String VARIANT_FILE = "/etc/slipway-variant";

  /** Environment variable naming an arm64 busybox binary to use instead of downloading one. */
  public static final String ARM64_BUSYBOX_VARIABLE = "SLIPWAY_BUSYBOX_ARM64";

  /**
   * The media types of an index, its manifests, their config and their gzip layer: OCI's, or Docker
   * schema 2's as {@code docker push} writes them.
   */
  public enum MediaTypes {
    OCI(
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.config.v1+json",
        "application/vnd.oci.image.layer.v1.tar+gzip"),
    DOCKER(
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.container.image.v1+json",
        "application/vnd.docker.image.rootfs.diff.tar.gzip");

    private final String index;
    private final String manifest;
    private final String config;
    private final String layer;

    MediaTypes(String index, String manifest, String config, String layer) {
      this.index = index;
      this.manifest = manifest;
      this.config = config;
      this.layer = layer;
    }

    /** Returns the media type of a manifest. */
    public String manifest() {
      return manifest;
    }
  }

  private static final Path AMD64_BUSYBOX = Path.of("/bin/busybox");

  private BusyboxImages() {}

  /**
   * The pushed busybox index.
   *
   * @param reference {@code registry/repository:tag} of the index
   * @param indexDigest the index's digest
   * @param manifests each platform ({@code linux/arm64}) and its manifest's digest, in index order
   */
  public record Pushed(String reference, String indexDigest, Map<String, String> manifests) {

    /** Returns {@code registry/repository@digest} of the platform's manifest. */
    public String pinned(String registryAndRepository, String platform) {
      String digest = manifests.get(platform);
      if (digest == null) {
        throw new IllegalArgumentException("No busybox manifest for platform " + platform);
      }
      return registryAndRepository + "@" + digest;
    }
  }

  /**
   * Pushes the busybox index to {@code registry} (a loopback {@code host:port}, spoken to over
   * plain HTTP) as {@code repository:tag}, going through the registry's token dance with {@code
   * username} and {@code password}.
   *
   * @throws IllegalStateException when the arm64 busybox is unavailable or the registry refuses a
   *     request
   */
  public static Pushed push(
      String registry, String repository, String tag, String username, String password) {
    return push(registry, repository, tag, username, password, null);
  }

  /**
   * Pushes a variant of the busybox index as {@link #push(String, String, String, String, String)}
   * does, with {@link #VARIANT_FILE} in each platform's layer holding {@code variant}. Variants
   * differ from each other by that one small file, like two neighbouring releases of a service, so
   * a delta between them is much smaller than the layer.
   *
   * @param variant the file's text, or null for the plain index without the file
   */
  public static Pushed push(
      String registry,
      String repository,
      String tag,
      String username,
      String password,
      String variant) {
    return push(registry, repository, tag, username, password, variant, MediaTypes.OCI);
  }

  /**
   * Pushes a variant of the busybox index as {@link #push(String, String, String, String, String,
   * String)} does, with the media types {@code types} for the index, manifests, configs and layers.
   */
  public static Pushed push(
      String registry,
      String repository,
      String tag,
      String username,
      String password,
      String variant,
      MediaTypes types) {
    RegistryPush push = new RegistryPush(registry, repository, username, password);
    Map<String, String> manifests = new LinkedHashMap<>();
    StringBuilder entries = new StringBuilder();
    for (String platform : PLATFORMS) {
      String architecture = platform.substring(platform.indexOf('/') + 1);
      Path binary = architecture.equals("amd64") ? AMD64_BUSYBOX : arm64Busybox();
      Image image = image(binary, architecture, variant, types);
      push.blob(image.layer());
      push.blob(image.config());
      String digest = push.manifest(digestOf(image.manifest()), types.manifest, image.manifest());
      manifests.put(platform, digest);
      entries
          .append(entries.isEmpty() ? "" : ",")
          .append(
              "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d,\"platform\":{\"architecture\":\"%s\",\"os\":\"linux\"}}"
                  .formatted(types.manifest, digest, image.manifest().length, architecture));
    }
    byte[] index =
        "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":[%s]}"
            .formatted(types.index, entries)
            .getBytes(StandardCharsets.UTF_8);
    String indexDigest = push.manifest(tag, types.index, index);
    return new Pushed(
        registry + "/" + repository + ":" + tag,
        indexDigest,
        java.util.Collections.unmodifiableMap(manifests));
  }

  /**
   * One platform's image as bytes: a manifest naming the config and one gzip layer.
   *
   * @param layer the gzip layer blob
   * @param config the config blob
   * @param manifest the manifest
   * @param types the media types the manifest gives itself, its config and its layer
   */
  public record Image(byte[] layer, byte[] config, byte[] manifest, MediaTypes types) {}

  /**
   * Returns the linux/amd64 image, from the host's {@code /bin/busybox}, with the file {@link
   * #VARIANT_FILE} that contains {@code variant}, so that two variants are two images that differ
   * in one small file. The same variant gives the same bytes on every run.
   */
  public static Image amd64(String variant) {
    return amd64(variant, MediaTypes.OCI);
  }

  /** Returns the linux/amd64 image of {@link #amd64(String)} with the media types {@code types}. */
  public static Image amd64(String variant, MediaTypes types) {
    return image(AMD64_BUSYBOX, "amd64", variant, types);
  }

  /**
   * Pushes {@code image} to {@code registry} (a loopback {@code host:port}, spoken to over plain
   * HTTP) as a single-platform image named by its manifest digest, with the same token handling as
   * {@link #push(String, String, String, String, String)}.
   *
   * @return the manifest's digest
   * @throws IllegalStateException when the registry refuses a request
   */
  public static String push(
      Image image, String registry, String repository, String username, String password) {
    RegistryPush push = new RegistryPush(registry, repository, username, password);
    push.blob(image.layer());
    push.blob(image.config());
    return push.manifest(digestOf(image.manifest()), image.types().manifest, image.manifest());
  }

  static Image image(Path busybox, String architecture) {
    return image(busybox, architecture, null, MediaTypes.OCI);
  }

  private static Image image(Path busybox, String architecture, String variant, MediaTypes types) {
    byte[] tar = rootFilesystem(busybox, variant);
    byte[] layer = gzip(tar);
    byte[] config =
        ("{\"architecture\":\"%s\",\"os\":\"linux\",\"config\":{\"Env\":"
                + "[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],"
                + "\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}")
            .formatted(architecture, digestOf(tar))
            .getBytes(StandardCharsets.UTF_8);
    byte[] manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"%s\","
                + "\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d},"
                + "\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d}]}")
            .formatted(
                types.manifest,
                types.config,
                digestOf(config),
                config.length,
                types.layer,
                digestOf(layer),
                layer.length)
            .getBytes(StandardCharsets.UTF_8);
    return new Image(layer, config, manifest, types);
  }

  /** Writes a root filesystem with {@code bin/busybox} and one symbolic link per applet. */
  static byte[] rootFilesystem(Path busybox) {
    return rootFilesystem(busybox, null);
  }

  /** Writes the root filesystem, plus {@link #VARIANT_FILE} when {@code variant} is set. */
  private static byte[] rootFilesystem(Path busybox, String variant) {
    try {
      TarWriter tar = new TarWriter();
      tar.directory("bin/");
      tar.file("bin/busybox", Files.readAllBytes(busybox), 0755);
      for (String applet : APPLETS.stream().sorted().toList()) {
        tar.symlink("bin/" + applet, "busybox");
      }
      if (variant != null) {
        tar.directory("etc/");
        tar.file(VARIANT_FILE.substring(1), variant.getBytes(StandardCharsets.UTF_8), 0644);
      }
      tar.directory("tmp/");
      return tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + busybox, e);
    }
  }

  /**
   * Returns an arm64 busybox binary: the file named by {@value #ARM64_BUSYBOX_VARIABLE}, or one
   * extracted from Debian's {@code busybox-static:arm64} package, which is downloaded with {@code
   * apt-get download} once into the temporary directory. The download needs the arm64 dpkg
   * architecture ({@code dpkg --add-architecture arm64 && apt-get update}); CI's {@code .ci/run}
   * sets it up.
   *
   * @throws IllegalStateException naming what to install when no binary can be had
   */
  public static synchronized Path arm64Busybox() {
    String configured = System.getenv(ARM64_BUSYBOX_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return requireFile(Path.of(configured));
    }
    Path directory = Path.of(System.getProperty("java.io.tmpdir"), "slipway-busybox-arm64");
    Path binary = directory.resolve("root/bin/busybox");
    if (Files.isRegularFile(binary)) {
      return binary;
    }
    try {
      Files.createDirectories(directory);
      run(directory, "apt-get", "download", "busybox-static:arm64");
      Path deb;
      try (var debs = Files.list(directory)) {
        deb =
            debs.filter(p -> p.getFileName().toString().endsWith("_arm64.deb"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("apt-get download left no .deb"));
      }
      run(directory, "dpkg", "-x", deb.toString(), "root");
      return requireFile(binary);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot get an arm64 busybox: "
              + e
              + ". Run `dpkg --add-architecture arm64 && apt-get update`, or set "
              + ARM64_BUSYBOX_VARIABLE
              + " to an arm64 busybox binary",
          e);
    }
  }

  private static Path requireFile(Path binary) {
    if (!Files.isRegularFile(binary)) {
      throw new IllegalStateException("The arm64 busybox " + binary + " does not exist");
    }
    return binary;
  }

  private static void run(Path directory, String... command) throws IOException {
    Process process =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while running " + String.join(" ", command), e);
    }
  }

  private static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String digestOf(byte[] content) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
