package io.slipway.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.CliRun;
import io.slipway.testing.image.BusyboxImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CLI run in-process through picocli against a real server on a free loopback port: a user with
 * an API token and an organization are made over HTTP with the bootstrap admin token, then
 * everything else goes through {@code slipway} commands. Builds use the Jib engine and a busybox
 * base image pushed to the server's registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliAgainstServerIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String ORG = "acme";
  private static final String USER = TestServer.USER;

  @TempDir static Path dataDirectory;
  @TempDir static Path work;

  private final AtomicInteger homes = new AtomicInteger();
  private TestServer server;
  private String url;
  private String registry;
  private String token;

  @BeforeAll
  void startServer() throws IOException {
    server = TestServer.start(dataDirectory, ORG, "--slipway.builder.engine=jib");
    url = server.url();
    registry = server.registry();
    token = server.userToken();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** Returns a CLI with a fresh home directory, pointed at the server by environment variables. */
  private CliRun cli() throws IOException {
    return new CliRun(Files.createDirectories(work.resolve("home" + homes.incrementAndGet())))
        .variable("SLIPWAY_SERVER", url)
        .variable("SLIPWAY_TOKEN", token);
  }

  /** Creates fleet {@code acme/SLUG} of {@code deviceType} through the CLI. */
  private void createFleet(String slug, String deviceType) throws IOException {
    CliRun.Result created =
        cli().run("fleet", "create", ORG + "/" + slug, "--device-type", deviceType);
    assertThat(created.exitCode()).as(created.err()).isZero();
  }

  private void pushBusybox(String fleet) {
    BusyboxImages.push(registry, ORG + "/" + fleet + "/busybox", "1.0", USER, token);
  }

  private Path project(String name, String dockerfile) throws IOException {
    Path root = Files.createDirectories(work.resolve(name));
    Files.writeString(root.resolve("Dockerfile"), dockerfile);
    Files.writeString(root.resolve("hello.txt"), "hello\n");
    return root;
  }

  @Test
  void loginThenFleetCreateAndList() throws IOException {
    CliRun cli =
        new CliRun(Files.createDirectories(work.resolve("login-home"))).stdin(token + "\n");

    CliRun.Result login = cli.run("login", "--server", url, "--token-stdin");
    CliRun.Result created =
        cli.run("fleet", "create", ORG + "/gateways", "--device-type", "generic-amd64");
    CliRun.Result listed = cli.run("fleet", "list", ORG, "--json");

    assertThat(login.exitCode()).as(login.err()).isZero();
    assertThat(login.out()).contains("Logged in to " + url + " as " + USER);
    assertThat(cli.home().resolve(".config/slipway/config.json")).exists();
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).contains("Created fleet acme/gateways");
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    JsonNode fleets = JSON.readTree(listed.out());
    assertThat(fleets.isArray()).isTrue();
    assertThat(fleets.findValuesAsString("slug")).contains("gateways");
  }

  @Test
  void pushThenReleaseListAndShow() throws IOException {
    createFleet("sensors", "generic-amd64");
    pushBusybox("sensors");
    Path project =
        project(
            "good", "FROM " + registry + "/acme/sensors/busybox:1.0\nCOPY hello.txt /hello.txt\n");

    CliRun.Result pushed =
        cli()
            .run(
                "push",
                project.toString(),
                "--fleet",
                "acme/sensors",
                "--release-version",
                "1.0.0");

    assertThat(pushed.exitCode()).as(pushed.out() + pushed.err()).isZero();
    assertThat(pushed.out())
        .contains("main linux/amd64: building with jib")
        .contains("main linux/amd64: pushed in")
        .contains(": SUCCESS");

    CliRun.Result listed = cli().run("release", "list", "--fleet", "acme/sensors", "--json");
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    JsonNode releases = JSON.readTree(listed.out());
    assertThat(releases.size()).isEqualTo(1);
    long id = releases.get(0).path("id").asLong();

    CliRun.Result shown = cli().run("release", "show", String.valueOf(id), "--json");
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    JsonNode release = JSON.readTree(shown.out());
    assertThat(release.path("status").asString()).isEqualTo("SUCCESS");
    assertThat(release.path("version").asString()).isEqualTo("1.0.0");
    assertThat(release.path("services").path("main").path("image").asString())
        .startsWith(registry + "/acme/sensors/main@sha256:");
  }

  @Test
  void failingBuildExitsWithOne() throws IOException {
    createFleet("broken", "generic-amd64");
    pushBusybox("broken");
    Path project =
        project("bad", "FROM " + registry + "/acme/broken/busybox:1.0\nCOPY missing.txt /m.txt\n");

    CliRun.Result pushed = cli().run("push", project.toString(), "--fleet", "acme/broken");

    assertThat(pushed.exitCode()).as(pushed.out() + pushed.err()).isEqualTo(1);
    assertThat(pushed.out()).contains("Build failed: ").contains("missing.txt");
    assertThat(pushed.out()).contains("Release ").contains(": FAILED");
  }

  @Test
  void deployMakesPrebuiltRelease() throws IOException {
    createFleet("kiosks", "generic-amd64");
    pushBusybox("kiosks");

    CliRun.Result deployed =
        cli()
            .run(
                "deploy",
                "--fleet",
                "acme/kiosks",
                "--image",
                "web=" + registry + "/acme/kiosks/busybox:1.0",
                "--json");

    assertThat(deployed.exitCode()).as(deployed.out() + deployed.err()).isZero();
    JsonNode release = JSON.readTree(deployed.out());
    assertThat(release.path("source").asString()).isEqualTo("PREBUILT");
    assertThat(release.path("services").path("web").path("image").asString())
        .startsWith(registry + "/acme/kiosks/web@sha256:");
  }

  @Test
  void fleetTargetPinsAndFollowsLatest() throws IOException {
    createFleet("lockers", "generic-amd64");
    pushBusybox("lockers");
    long first = deployBusybox("lockers");
    long second = deployBusybox("lockers");

    CliRun.Result shown = cli().run("fleet", "target", "acme/lockers");
    CliRun.Result pinned = cli().run("fleet", "target", "acme/lockers", String.valueOf(first));
    CliRun.Result followed = cli().run("fleet", "target", "acme/lockers", "--latest", "--json");
    CliRun.Result both = cli().run("fleet", "target", "acme/lockers", "1", "--latest");

    assertThat(shown.out()).contains("acme/lockers follows its latest release: " + second);
    assertThat(pinned.exitCode()).as(pinned.err()).isZero();
    assertThat(pinned.out())
        .contains("acme/lockers is pinned to release " + first + " (latest release: " + second);
    assertThat(followed.exitCode()).as(followed.err()).isZero();
    assertThat(JSON.readTree(followed.out()).path("trackLatest").asBoolean()).isTrue();
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--latest contradict each other");
  }

  /** Deploys the fleet's busybox image as service web and returns the new release's id. */
  private long deployBusybox(String fleet) throws IOException {
    CliRun.Result deployed =
        cli()
            .run(
                "deploy",
                "--fleet",
                ORG + "/" + fleet,
                "--image",
                "web=" + registry + "/" + ORG + "/" + fleet + "/busybox:1.0",
                "--json");
    assertThat(deployed.exitCode()).as(deployed.out() + deployed.err()).isZero();
    return JSON.readTree(deployed.out()).path("id").asLong();
  }

  @Test
  void deployFillsComposeServicesFromTag() throws IOException {
    createFleet("depots", "generic-amd64");
    pushBusybox("depots");
    Path directory = Files.createDirectories(work.resolve("depots"));
    Path compose =
        Files.writeString(
            directory.resolve("compose.yml"),
            "services:\n  busybox:\n    build: .\n    environment:\n      MODE: ${MODE:-slow}\n"
                + "  app:\n    image: ${REG}/acme/depots/busybox:1.0\n");

    CliRun.Result deployed =
        cli()
            .variable("REG", registry)
            .run(
                "deploy",
                "--fleet",
                "acme/depots",
                "--compose",
                compose.toString(),
                "--tag",
                "1.0",
                "--json");

    assertThat(deployed.exitCode()).as(deployed.out() + deployed.err()).isZero();
    JsonNode services = JSON.readTree(deployed.out()).path("services");
    assertThat(services.path("busybox").path("image").asString())
        .startsWith(registry + "/acme/depots/busybox@sha256:");
    assertThat(services.path("busybox").path("environment").path("MODE").asString())
        .isEqualTo("slow");
    assertThat(services.path("app").path("image").asString())
        .startsWith(registry + "/acme/depots/app@sha256:");
  }

  @Test
  void deployWithoutFleetPlatformIsRejected() throws IOException {
    createFleet("pis", "raspberrypi3");
    pushBusybox("pis");

    CliRun.Result deployed =
        cli()
            .run(
                "deploy",
                "--fleet",
                "acme/pis",
                "--image",
                "web=" + registry + "/acme/pis/busybox:1.0");

    assertThat(deployed.exitCode()).as(deployed.out() + deployed.err()).isEqualTo(1);
    assertThat(deployed.err()).contains("IMAGE_PLATFORM_MISSING");
  }

  @Test
  void loginOnATerminalDoesNotEchoTheToken() throws Exception {
    assertThat(TerminalSession.available())
        .as("script from bsdutils runs the jar on a terminal; install bsdutils")
        .isTrue();
    Path config = Files.createDirectories(work.resolve("terminal-login"));

    try (TerminalSession terminal =
        TerminalSession.start(
            jar(), Map.of("XDG_CONFIG_HOME", config.toString()), "login", "--server", url)) {
      terminal.await("API token for " + url, Duration.ofSeconds(60));
      terminal.type(token);

      assertThat(terminal.exitCode(Duration.ofSeconds(60))).as(terminal.screen()).isZero();
      assertThat(terminal.screen()).contains("Logged in to " + url).doesNotContain(token);
    }
    assertThat(config.resolve("slipway/config.json")).exists();
  }

  @Test
  void pushOnATerminalDrawsProgressRows() throws Exception {
    assertThat(TerminalSession.available())
        .as("script from bsdutils runs the jar on a terminal; install bsdutils")
        .isTrue();
    createFleet("panels", "generic-amd64");
    pushBusybox("panels");
    Path project =
        project("panels", "FROM " + registry + "/acme/panels/busybox:1.0\nCOPY hello.txt /h.txt\n");

    try (TerminalSession terminal =
        TerminalSession.start(
            jar(),
            Map.of("SLIPWAY_SERVER", url, "SLIPWAY_TOKEN", token),
            "push",
            project.toString(),
            "--fleet",
            "acme/panels")) {

      assertThat(terminal.exitCode(Duration.ofMinutes(3))).as(terminal.screen()).isZero();
      assertThat(terminal.screen())
          .contains("Uploading [##############################] 100%")
          .contains("\033[2K")
          .contains("main linux/amd64 [====================] pushed");
    }
  }

  private static String jar() {
    String jar = System.getProperty("slipway.cli.jar");
    assertThat(jar).as("system property slipway.cli.jar, set by the failsafe plugin").isNotNull();
    return jar;
  }

  @Test
  void badTokenExitsWithThree() throws IOException {
    CliRun.Result listed =
        cli().variable("SLIPWAY_TOKEN", "slt_" + "0".repeat(40)).run("fleet", "list");

    assertThat(listed.exitCode()).as(listed.err()).isEqualTo(3);
  }

  @Test
  void loginWithABadTokenStoresNothing() throws IOException {
    CliRun cli =
        new CliRun(Files.createDirectories(work.resolve("bad-login-home"))).stdin("slt_nope\n");

    CliRun.Result login = cli.run("login", "--server", url, "--token-stdin");

    assertThat(login.exitCode()).isEqualTo(3);
    assertThat(cli.home().resolve(".config/slipway/config.json")).doesNotExist();
  }

  @Test
  void serverThatIsGoneIsUnreachable() throws IOException {
    CliRun.Result listed =
        cli().variable("SLIPWAY_SERVER", "http://127.0.0.1:1").run("fleet", "list");

    assertThat(listed.exitCode()).as(listed.err()).isEqualTo(4);
  }
}
