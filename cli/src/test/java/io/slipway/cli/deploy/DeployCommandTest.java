package io.slipway.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.cli.CliRun;
import io.slipway.cli.StubServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code slipway deploy}: the request it sends and how it reads the response. */
class DeployCommandTest {

  private static final String RELEASE =
      "{\"id\":12,\"fleet\":\"acme/sensors\",\"status\":\"SUCCESS\",\"source\":\"PREBUILT\","
          + "\"version\":\"1.2.0\",\"createdAt\":0,\"services\":{\"web\":"
          + "{\"image\":\"127.0.0.1:1/acme/sensors/web@sha256:"
          + "cd".repeat(32)
          + "\"}}}";

  @TempDir Path home;
  @TempDir Path project;

  private StubServer server;
  private CliRun cli;

  @BeforeEach
  void start() throws IOException {
    server = new StubServer(201, RELEASE);
    cli =
        new CliRun(home)
            .variable("SLIPWAY_SERVER", server.url())
            .variable("SLIPWAY_TOKEN", "slt_t");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Path compose(String text) throws IOException {
    return Files.writeString(project.resolve("docker-compose.yml"), text);
  }

  private JsonNode sent() {
    return JsonMapper.builder().build().readTree(server.requests().get(0).body());
  }

  @Test
  void composeServicesSentWithSettings() throws IOException {
    Path file =
        compose(
            "services:\n  web:\n    image: registry.local:5000/acme/sensors/web:1.0\n"
                + "    environment:\n      MODE: fast\n    privileged: true\n");

    CliRun.Result result =
        cli.run(
            "deploy",
            "--fleet",
            "acme/sensors",
            "--compose",
            file.toString(),
            "--release-version",
            "1.2.0");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.requests().get(0).uri())
        .isEqualTo("/api/v1/orgs/acme/fleets/sensors/deployments");
    JsonNode body = sent();
    assertThat(body.path("version").asString()).isEqualTo("1.2.0");
    JsonNode web = body.path("services").path("web");
    assertThat(web.path("image").asString()).isEqualTo("registry.local:5000/acme/sensors/web:1.0");
    assertThat(web.path("environment").path("MODE").asString()).isEqualTo("fast");
    assertThat(web.path("configuration").path("privileged").asBoolean()).isTrue();
  }

  @Test
  void imageOptionOverridesTheComposeImage() throws IOException {
    Path file = compose("services:\n  web:\n    image: old:1\n");

    cli.run(
        "deploy", "--fleet", "acme/sensors", "--compose", file.toString(), "--image", "web=new:2");

    assertThat(sent().path("services").path("web").path("image").asString()).isEqualTo("new:2");
  }

  @Test
  void tagAloneSendsNoServices() {
    cli.run("deploy", "--fleet", "acme/sensors", "--tag", "latest");

    assertThat(sent().path("tag").asString()).isEqualTo("latest");
    assertThat(sent().has("services")).isFalse();
  }

  @Test
  void tagWithImageIsUsageError() {
    CliRun.Result result =
        cli.run(
            "deploy", "--fleet", "acme/gateways", "--tag", "v3", "--image", "app=reg:5000/app:1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--tag and --image cannot be combined");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void tagFillsComposeServicesWithoutImage() throws IOException {
    Path file = compose("services:\n  web:\n    image: web:1\n  worker:\n    build: ./worker\n");

    CliRun.Result result =
        cli.run("deploy", "--fleet", "acme/sensors", "--compose", file.toString(), "--tag", "v3");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(sent().path("tag").asString()).isEqualTo("v3");
    assertThat(sent().path("services").path("worker").has("image")).isFalse();
    assertThat(sent().path("services").path("web").path("image").asString()).isEqualTo("web:1");
  }

  @Test
  void unusedTagIsUsageError() throws IOException {
    Path file = compose("services:\n  web:\n    image: web:1\n");

    CliRun.Result result =
        cli.run("deploy", "--fleet", "acme/sensors", "--compose", file.toString(), "--tag", "v3");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--tag v3 applies to no service");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void composeImageIsInterpolatedFromEnvironment() throws IOException {
    Path file =
        compose(
            "# \uD83D\uDE00 before\nservices:\n  app:\n    image: ${REG}/acme/gateways/app:${TAG}\n");

    CliRun.Result result =
        cli.variable("REG", "reg:5000")
            .variable("TAG", "v3")
            .run("deploy", "--fleet", "acme/gateways", "--compose", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(sent().path("services").path("app").path("image").asString())
        .isEqualTo("reg:5000/acme/gateways/app:v3");
  }

  @Test
  void dotEnvSuppliesVariablesThatEnvironmentOverrides() throws IOException {
    Path file = compose("services:\n  app:\n    image: ${REG}/app:${TAG}\n");
    Files.writeString(project.resolve(".env"), "# defaults\nREG=env-file:5000\nexport TAG='v1'\n");

    CliRun.Result result =
        cli.variable("TAG", "v3")
            .run("deploy", "--fleet", "acme/gateways", "--compose", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(sent().path("services").path("app").path("image").asString())
        .isEqualTo("env-file:5000/app:v3");
  }

  @Test
  void unsetVariableNamesFileAndLine() throws IOException {
    Path file = compose("services:\n  app:\n    labels:\n      a: b\n    image: ${REG}/app:1\n");

    CliRun.Result result =
        cli.run("deploy", "--fleet", "acme/gateways", "--compose", file.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("docker-compose.yml:5: variable REG is not set");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void keysAndCommentsAreNotInterpolated() throws IOException {
    Path file =
        compose(
            "# image: ${UNSET}\nservices:\n  app:\n    image: app:1 # ${UNSET}\n"
                + "    labels:\n      cost$: \"$$5 ${TAG:-none}\"\n");

    CliRun.Result result =
        cli.run("deploy", "--fleet", "acme/gateways", "--compose", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(sent().path("services").path("app").path("labels").path("cost$").asString())
        .isEqualTo("$5 none");
  }

  @Test
  void interpolatedBooleanStaysBoolean() throws IOException {
    Path file = compose("services:\n  app:\n    image: app:1\n    privileged: ${PRIVILEGED}\n");

    cli.variable("PRIVILEGED", "true")
        .run("deploy", "--fleet", "acme/gateways", "--compose", file.toString());

    JsonNode privileged = sent().path("services").path("app").path("configuration");
    assertThat(privileged.path("privileged").isBoolean()).isTrue();
  }

  @Test
  void multiLineValueKeepsLaterLineNumbers() throws IOException {
    Path file =
        compose(
            "services:\n  app:\n    image: app:1\n    command: |\n      run ${MODE}\n"
                + "      twice\n  Bad:\n    image: bad:1\n");

    CliRun.Result result =
        cli.variable("MODE", "a\nb\nc")
            .run("deploy", "--fleet", "acme/gateways", "--compose", file.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("docker-compose.yml:7").contains("'Bad'");
  }

  @Test
  void multiLineValueIsInterpolated() throws IOException {
    Path file =
        compose(
            "services:\n  app:\n    image: app:1\n    command: |\n      run ${MODE}\n"
                + "      twice\n    user: \"1000\"\n");

    cli.variable("MODE", "fast \"x\"")
        .run("deploy", "--fleet", "acme/gateways", "--compose", file.toString());

    JsonNode configuration = sent().path("services").path("app").path("configuration");
    assertThat(configuration.path("command").asString()).isEqualTo("run fast \"x\"\ntwice\n");
    assertThat(configuration.path("user").asString()).isEqualTo("1000");
  }

  @ParameterizedTest
  @CsvSource({
    "'image: $${REG}/app:1', contains '$'",
    "'image: \"${SPACED}\"', contains white space",
    "'image: \"${EMPTY}\"', is empty"
  })
  void invalidImageReferenceIsUsageError(String image, String problem) throws IOException {
    Path file = compose("services:\n  app:\n    " + image + "\n");

    CliRun.Result result =
        cli.variable("SPACED", "reg:5000/app:1 extra")
            .variable("EMPTY", "")
            .run("deploy", "--fleet", "acme/gateways", "--compose", file.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("service 'app'").contains(problem);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void helpShowsTheInterpolationForms() {
    CliRun.Result result = cli.run("deploy", "--help");

    assertThat(result.out())
        .contains("${VAR:-default}")
        .contains("${VAR:?message}")
        .contains("$$ for a literal $");
  }

  @Test
  void buildOnlyServiceIsInputError() throws IOException {
    Path file = compose("services:\n  web:\n    image: web:1\n  worker:\n    build: ./worker\n");

    CliRun.Result result =
        cli.run("deploy", "--fleet", "acme/sensors", "--compose", file.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("service 'worker'").contains("slipway push");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void imageOptionDeploysBuildOnlyService() throws IOException {
    Path file = compose("services:\n  web:\n    image: web:1\n  worker:\n    build: ./worker\n");

    CliRun.Result result =
        cli.run(
            "deploy",
            "--fleet",
            "acme/sensors",
            "--compose",
            file.toString(),
            "--image",
            "worker=worker:2");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode worker = sent().path("services").path("worker");
    assertThat(worker.path("image").asString()).isEqualTo("worker:2");
  }

  @Test
  void bareEnvironmentNameTakesShellValue() throws IOException {
    Path file =
        compose(
            "services:\n  web:\n    image: web:1\n    environment:\n"
                + "      - HOSTVAR\n      - MODE=fast\n");

    cli.variable("HOSTVAR", "from-shell")
        .run("deploy", "--fleet", "acme/sensors", "--compose", file.toString());

    JsonNode environment = sent().path("services").path("web").path("environment");
    assertThat(environment.path("HOSTVAR").asString()).isEqualTo("from-shell");
    assertThat(environment.path("MODE").asString()).isEqualTo("fast");
  }

  @Test
  void unsetBareEnvironmentNameIsUsageError() throws IOException {
    Path file = compose("services:\n  web:\n    image: web:1\n    environment:\n      - HOSTVAR\n");

    CliRun.Result result =
        cli.run("deploy", "--fleet", "acme/sensors", "--compose", file.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("HOSTVAR");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void emptyValueAfterEqualsStaysEmpty() throws IOException {
    Path file = compose("services:\n  web:\n    image: web:1\n    environment:\n      - EMPTY=\n");

    cli.variable("EMPTY", "from-shell")
        .run("deploy", "--fleet", "acme/sensors", "--compose", file.toString());

    assertThat(sent().path("services").path("web").path("environment").path("EMPTY").asString())
        .isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "--image, =foo, --image =foo",
    "--image, web=, --image web=",
    "--release-version, v1, '--release-version: Version ''v1'''",
    "--release-version, 1.2.0+b, 'leave it out, as in 1.2.0'",
    "--commit, ABC1234, '--commit ''ABC1234'''"
  })
  void invalidOptionIsUsageError(String option, String value, String named) {
    CliRun.Result result =
        cli.run("deploy", "--fleet", "acme/sensors", "--image", "web=web:1", option, value);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains(named);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void validVersionAndCommitAreSent() {
    cli.run(
        "deploy",
        "--fleet",
        "acme/sensors",
        "--image",
        "web=web:1",
        "--release-version",
        "1.2.0-rc.1",
        "--commit",
        "abc1234");

    assertThat(sent().path("version").asString()).isEqualTo("1.2.0-rc.1");
    assertThat(sent().path("commit").asString()).isEqualTo("abc1234");
  }

  @Test
  void noImagesNamedIsAUsageError() {
    CliRun.Result result = cli.run("deploy", "--fleet", "acme/sensors");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--compose FILE, --image SERVICE=REF or --tag TAG");
  }

  @Test
  void printsTheReleaseAndItsImages() {
    CliRun.Result result = cli.run("deploy", "--fleet", "acme/sensors", "--image", "web=web:1");

    assertThat(result.out())
        .contains("Release 12 of acme/sensors: SUCCESS")
        .contains("web  127.0.0.1:1/acme/sensors/web@sha256:");
  }

  @Test
  void refusedImageFailsWithTheServersMessage() {
    server.answer(
        422,
        "{\"code\":\"IMAGE_PLATFORM_MISSING\",\"message\":\"web has no linux/arm64 manifest\"}");

    CliRun.Result result = cli.run("deploy", "--fleet", "acme/sensors", "--image", "web=web:1");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains("IMAGE_PLATFORM_MISSING")
        .contains("web has no linux/arm64 manifest");
  }
}
