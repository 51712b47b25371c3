package io.slipway.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.server.HttpTestClient;
import io.slipway.api.server.TestServers;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document as a client fetches it from a running server: public, complete for every
 * controller endpoint under {@code /api/v1} and {@code /device/v1}, and nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path dataDirectory;

  private ConfigurableApplicationContext server;
  private HttpResponse<String> response;
  private JsonNode document;

  @BeforeAll
  void fetchDocument() {
    server = TestServers.start(TestDatabase.h2(), dataDirectory);
    HttpTestClient http = new HttpTestClient(TestServers.port(server));
    response = http.get("/api/v1/openapi.json");
    document = JSON.readTree(response.body());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void documentIsServedWithoutCredentials() {
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(document.path("openapi").asString()).startsWith("3.");
  }

  @Test
  void everyControllerEndpointIsDocumented() {
    List<String> missing = new ArrayList<>();
    for (String endpoint : controllerEndpoints()) {
      String method = endpoint.substring(0, endpoint.indexOf(' '));
      String path = endpoint.substring(endpoint.indexOf(' ') + 1);
      JsonNode operation = document.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
      if (operation.isMissingNode()) {
        missing.add(endpoint);
      }
    }

    assertThat(missing).as("endpoints missing from the document").isEmpty();
  }

  @Test
  void documentCoversOnlyTheTwoApiTrees() {
    List<String> paths = new ArrayList<>();
    document.path("paths").propertyNames().forEach(paths::add);

    assertThat(paths)
        .isNotEmpty()
        .allSatisfy(path -> assertThat(path).matches("/(api|device)/v1/.*"));
  }

  @Test
  void callerIsNotDescribedAsARequestParameter() {
    List<String> named = new ArrayList<>();
    document
        .path("paths")
        .forEach(
            item ->
                item.forEach(
                    operation ->
                        operation
                            .path("parameters")
                            .forEach(p -> named.add(p.path("name").asString()))));

    assertThat(named).doesNotContain("who");
  }

  @Test
  void bearerSchemeNamesEveryKindOfSecret() {
    JsonNode scheme = document.path("components").path("securitySchemes").path("bearer");

    assertThat(scheme.path("type").asString()).isEqualTo("http");
    assertThat(scheme.path("scheme").asString()).isEqualTo("bearer");
    assertThat(scheme.path("description").asString())
        .contains("slw_")
        .contains("sls_")
        .contains("sld_")
        .contains("slp_");
  }

  @Test
  void errorBodyHasCodeAndMessage() {
    JsonNode error = document.path("components").path("schemas").path("ApiError");

    assertThat(error.path("properties").has("code")).isTrue();
    assertThat(error.path("properties").has("message")).isTrue();
  }

  @Test
  void everyOperationDescribesTheErrorBody() {
    List<String> without = new ArrayList<>();
    document
        .path("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        operation -> {
                          String reference =
                              operation
                                  .getValue()
                                  .path("responses")
                                  .path("default")
                                  .path("content")
                                  .path("application/json")
                                  .path("schema")
                                  .path("$ref")
                                  .asString("");
                          if (!reference.endsWith("/ApiError")) {
                            without.add(operation.getKey() + " " + path.getKey());
                          }
                        }));

    assertThat(without).isEmpty();
  }

  @Test
  void deviceTypesNeedNoCredentialsButFleetsDo() {
    JsonNode types = document.path("paths").path("/api/v1/device-types").path("get");
    JsonNode fleets = document.path("paths").path("/api/v1/orgs/{org}/fleets").path("get");

    assertThat(types.path("security").isArray()).isTrue();
    assertThat(types.path("security").size()).isZero();
    assertThat(fleets.has("security")).isFalse();
    assertThat(document.path("security").toString()).contains("bearer");
  }

  @Test
  void deviceLogBatchHasItsBody() {
    JsonNode body =
        document
            .path("paths")
            .path("/device/v1/{uuid}/logs")
            .path("post")
            .path("requestBody")
            .path("content")
            .path("application/json")
            .path("schema");

    assertThat(body.path("type").asString()).isEqualTo("array");
    assertThat(body.path("items").path("properties").has("message")).isTrue();
  }

  @Test
  void buildTakesATarBodyAndAnswersAccepted() {
    JsonNode post =
        document.path("paths").path("/api/v1/orgs/{org}/fleets/{fleet}/builds").path("post");

    assertThat(post.path("requestBody").path("content").has("application/x-tar")).isTrue();
    assertThat(post.path("requestBody").path("content").has("application/gzip")).isTrue();
    assertThat(post.path("responses").has("202")).isTrue();
  }

  @Test
  void statePollDescribesNotModified() {
    JsonNode responses =
        document.path("paths").path("/device/v1/{uuid}/state").path("get").path("responses");

    assertThat(responses.has("304")).isTrue();
  }

  @Test
  void deltaRequestDescribesGenerating() {
    JsonNode responses =
        document.path("paths").path("/device/v1/delta").path("get").path("responses");

    assertThat(responses.has("202")).isTrue();
  }

  @Test
  void deltaPayloadDescribesRanges() {
    JsonNode responses =
        document
            .path("paths")
            .path("/device/v1/delta/payloads/{digest}")
            .path("get")
            .path("responses");

    assertThat(responses.has("206")).isTrue();
    assertThat(responses.has("416")).isTrue();
    assertThat(responses.path("200").path("content").has("application/octet-stream")).isTrue();
  }

  @Test
  void osImageUploadTakesImageBody() {
    JsonNode post = document.path("paths").path("/api/v1/os-images").path("post");

    assertThat(post.path("requestBody").path("content").has("application/zip")).isTrue();
    assertThat(post.path("requestBody").path("content").has("application/octet-stream")).isTrue();
    assertThat(post.path("responses").has("201")).isTrue();
  }

  @Test
  void osImageDownloadStreamsEachFormat() {
    JsonNode ok =
        document
            .path("paths")
            .path("/api/v1/orgs/{org}/fleets/{fleet}/os-image")
            .path("get")
            .path("responses")
            .path("200");

    assertThat(ok.path("content").has("application/zip")).isTrue();
    assertThat(ok.path("content").has("application/zstd")).isTrue();
  }

  @Test
  void osConfigAnswersCreatedConfig() {
    JsonNode responses =
        document
            .path("paths")
            .path("/api/v1/orgs/{org}/fleets/{fleet}/os-config")
            .path("post")
            .path("responses");

    assertThat(responses.has("201")).isTrue();
    assertThat(responses.has("200")).isFalse();
  }

  @Test
  void commandSendsAnswerAccepted() {
    JsonNode paths = document.path("paths");
    JsonNode device = paths.path("/api/v1/devices/{uuid}/commands").path("post");
    JsonNode fleet = paths.path("/api/v1/orgs/{org}/fleets/{fleet}/commands").path("post");

    assertThat(device.path("responses").has("202")).isTrue();
    assertThat(fleet.path("responses").has("202")).isTrue();
  }

  @Test
  void commandReadTakesWaitParameter() {
    JsonNode parameters =
        document
            .path("paths")
            .path("/api/v1/devices/{uuid}/commands/{id}")
            .path("get")
            .path("parameters");
    List<String> names = new ArrayList<>();
    parameters.forEach(parameter -> names.add(parameter.path("name").asString()));

    assertThat(names).contains("wait");
  }

  @Test
  void stateReportNamesEachServiceImage() {
    JsonNode schemas = document.path("components").path("schemas");

    assertThat(schemas.path("ServiceReportBody").path("properties").has("image")).isTrue();
  }

  /** Returns {@code METHOD /path} of every controller endpoint under the two trees. */
  private TreeSet<String> controllerEndpoints() {
    RequestMappingHandlerMapping mapping =
        server.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
    TreeSet<String> endpoints = new TreeSet<>();
    mapping
        .getHandlerMethods()
        .forEach(
            (info, handler) -> {
              if (isSpringdoc(handler)) {
                return;
              }
              for (String path : patterns(info)) {
                if (!path.startsWith("/api/v1/") && !path.startsWith("/device/v1/")) {
                  continue;
                }
                for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                  endpoints.add(method.name() + " " + path);
                }
              }
            });
    assertThat(endpoints).as("controller endpoints found").isNotEmpty();
    return endpoints;
  }

  private static boolean isSpringdoc(HandlerMethod handler) {
    return handler.getBeanType().getName().startsWith("org.springdoc.");
  }

  private static List<String> patterns(RequestMappingInfo info) {
    return info.getPatternValues().stream()
        .map(pattern -> pattern.replaceAll("\\{([^}:]+):[^}]*}", "{$1}"))
        .toList();
  }
}
