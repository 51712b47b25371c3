package io.slipway.api.openapi;

import io.slipway.api.identity.Identity;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3 document of {@code /api/v1} and {@code /device/v1}, served by springdoc at {@code
 * /api/v1/openapi.json} (the paths are set in {@link io.slipway.api.config.SlipwayDefaults}). It
 * names the one security scheme, a bearer secret whose prefix names its kind, and gives every
 * operation the {@code {code, message}} error body as its default response.
 *
 * <p>Springdoc builds the document from the controllers on the first request and contacts no other
 * host. The registry under {@code /v2/} is a plain servlet and the token endpoint lies outside the
 * matched paths, so neither appears.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  /** Name of the security scheme in the document. */
  static final String BEARER = "bearer";

  /** Name of the error body's schema in the document. */
  static final String ERROR_SCHEMA = "ApiError";

  /**
   * Operations that take no credentials. Any other operation rejects a request without them with
   * {@code 401}.
   */
  static final Set<String> PUBLIC_OPERATIONS =
      Set.of(
          "POST /api/v1/auth/login",
          "GET /api/v1/auth/oidc/providers",
          "GET /api/v1/auth/oidc/{provider}/authorize",
          "GET /api/v1/auth/oidc/{provider}/callback",
          "GET /api/v1/device-types");

  static {
    // The caller is resolved from the Authorization header, not from a parameter of the request.
    SpringDocUtils.getConfig().addRequestWrapperToIgnore(Identity.class);
  }

  @Bean
  OpenAPI slipwayOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Slipway API")
                .description(
                    "The control plane of Slipway: /api/v1 for people and their tools, /device/v1"
                        + " for devices. Every error is a JSON body {code, message} with a stable"
                        + " code.")
                .version("v1")
                .license(new License().name("Apache-2.0")))
        .components(new Components().addSecuritySchemes(BEARER, bearerScheme()))
        .security(List.of(new SecurityRequirement().addList(BEARER)));
  }

  /**
   * Adds the error body's schema, gives every operation the error body as its default response, and
   * clears the security requirement of the public operations. Runs after springdoc has read the
   * controllers, which replaces the schemas of the bean above.
   */
  /**
   * Describes what springdoc cannot read from the device endpoints' signatures: the log batch is
   * read from the raw request body, and a state poll may end in {@code 304}.
   */
  @Bean
  OpenApiCustomizer slipwayDeviceEndpoints() {
    return openApi -> {
      if (openApi.getPaths() == null) {
        return;
      }
      PathItem logs = openApi.getPaths().get("/device/v1/{uuid}/logs");
      if (logs != null && logs.getPost() != null) {
        logs.getPost().setRequestBody(logBatchBody());
      }
      describeDeltaEndpoints(openApi);
      for (String path : List.of("/device/v1/{uuid}/state", "/device/v1/{uuid}/state/signed")) {
        PathItem state = openApi.getPaths().get(path);
        if (state != null && state.getGet() != null && state.getGet().getResponses() != null) {
          state
              .getGet()
              .getResponses()
              .addApiResponse(
                  "304",
                  new ApiResponse()
                      .description(
                          "Not modified: If-None-Match names the current ETag, so the device"
                              + " keeps running what it has"));
        }
      }
    };
  }

  /**
   * Adds what the delta endpoints answer besides their body: {@code 202} while a delta is made, and
   * the payload download's byte stream, {@code 206} and {@code 416}.
   */
  private static void describeDeltaEndpoints(OpenAPI openApi) {
    PathItem delta = openApi.getPaths().get("/device/v1/delta");
    if (delta != null && delta.getGet() != null && delta.getGet().getResponses() != null) {
      delta
          .getGet()
          .description(
              "The delta from the platform manifest the calling device runs (from) to the one it"
                  + " should run (to): ready with the signed delta manifest and the payload's"
                  + " download, generating (202, Retry-After), or full when the device should"
                  + " pull the target whole.")
          .getResponses()
          .addApiResponse(
              "202",
              new ApiResponse()
                  .description(
                      "The delta is being made: ask again after Retry-After seconds; the body is"
                          + " {status: generating, retryAfterSeconds}"));
    }
    PathItem payload = openApi.getPaths().get("/device/v1/delta/payloads/{digest}");
    if (payload != null && payload.getGet() != null) {
      Content bytes =
          new Content()
              .addMediaType(
                  "application/octet-stream",
                  new MediaType().schema(new StringSchema().format("binary")));
      ApiResponses responses =
          payload.getGet().getResponses() == null
              ? new ApiResponses()
              : payload.getGet().getResponses();
      responses.addApiResponse(
          "200", new ApiResponse().description("The whole payload").content(bytes));
      responses.addApiResponse(
          "206",
          new ApiResponse()
              .description("The one byte range the Range header asked for, with Content-Range")
              .content(bytes));
      responses.addApiResponse(
          "416",
          new ApiResponse()
              .description(
                  "The range starts at or past the end; Content-Range names the payload's size"));
      payload.getGet().setResponses(responses);
    }
  }

  /**
   * Describes the build endpoints: the source upload is read from the raw request body as a tar or
   * tar.gz stream, and the build log follow is a stream of server-sent events.
   */
  @Bean
  OpenApiCustomizer slipwayBuildEndpoints() {
    return openApi -> {
      if (openApi.getPaths() == null) {
        return;
      }
      PathItem builds = openApi.getPaths().get("/api/v1/orgs/{org}/fleets/{fleet}/builds");
      if (builds != null && builds.getPost() != null) {
        Operation post = builds.getPost();
        post.setSummary("Build a release from source");
        post.setDescription(
            "Uploads the project directory (a Dockerfile or docker-compose.yml at its root) as a"
                + " tar stream, creates a release with source BUILD and starts building it for"
                + " every device type of the fleet. Answers 202 with the running release; follow"
                + " its log at /api/v1/releases/{id}/logs/stream. The upload is capped by"
                + " slipway.builder.max-source-size (512 MiB by default).");
        post.setRequestBody(sourceBody());
        ApiResponses responses = post.getResponses();
        if (responses != null && responses.containsKey("200")) {
          responses.addApiResponse("202", responses.remove("200").description("Build started"));
        }
      }
      PathItem stream = openApi.getPaths().get("/api/v1/releases/{id}/logs/stream");
      if (stream != null && stream.getGet() != null) {
        stream
            .getGet()
            .description(
                "Server-sent events: one 'log' event per build log line (id, at, service,"
                    + " platform, line), then one 'end' event with the release's final status."
                    + " Reconnect with Last-Event-ID to resume.");
      }
    };
  }

  @Bean
  OpenApiCustomizer slipwayErrorsAndPublicOperations() {
    return openApi -> {
      if (openApi.getComponents() == null) {
        openApi.setComponents(new Components());
      }
      openApi.getComponents().addSchemas(ERROR_SCHEMA, errorSchema());
      if (openApi.getPaths() == null) {
        return;
      }
      openApi
          .getPaths()
          .forEach(
              (path, item) ->
                  item.readOperationsMap()
                      .forEach(
                          (method, operation) -> {
                            addErrorResponse(operation);
                            if (PUBLIC_OPERATIONS.contains(method.name() + " " + path)) {
                              operation.setSecurity(List.of());
                            }
                          }));
    };
  }

  private static SecurityScheme bearerScheme() {
    return new SecurityScheme()
        .type(SecurityScheme.Type.HTTP)
        .scheme("bearer")
        .description(
            "Authorization: Bearer <secret>. The prefix names the kind of secret: slw_ a user's"
                + " API token, sls_ a session token from /api/v1/auth/login, sld_ a device key"
                + " (only /device/v1 endpoints of that device), slp_ a provisioning key (only"
                + " POST /device/v1/register). Builder secrets (slb_) work only at the registry's"
                + " token endpoint. HTTP Basic with the secret as password is accepted"
                + " too; the user name must be the token's user or the device's UUID.");
  }

  private static RequestBody sourceBody() {
    Schema<?> archive = new StringSchema().format("binary");
    return new RequestBody()
        .required(true)
        .description(
            "The project directory as a tar archive, optionally gzip-compressed; absolute paths,"
                + " '..', links leaving the tree and device files are refused")
        .content(
            new Content()
                .addMediaType("application/x-tar", new MediaType().schema(archive))
                .addMediaType("application/gzip", new MediaType().schema(archive)));
  }

  private static RequestBody logBatchBody() {
    Schema<?> line =
        new ObjectSchema()
            .addProperty(
                "timestamp",
                new IntegerSchema()
                    .format("int64")
                    .description("When the device wrote the line, in milliseconds since the epoch"))
            .addProperty("message", new StringSchema())
            .addProperty("service", new StringSchema().description("The service, if any"))
            .addProperty("isStderr", new BooleanSchema())
            .addProperty("isSystem", new BooleanSchema())
            .required(List.of("timestamp", "message"));
    return new RequestBody()
        .required(true)
        .description("A batch of at most 1,000 log lines and 1 MiB")
        .content(
            new Content()
                .addMediaType(
                    org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
                    new MediaType().schema(new ArraySchema().items(line))));
  }

  private static Schema<?> errorSchema() {
    return new ObjectSchema()
        .description("The body of every error response.")
        .addProperty(
            "code",
            new StringSchema()
                .description("Stable machine-readable code in upper snake case")
                .example("FLEET_NOT_FOUND"))
        .addProperty(
            "message",
            new StringSchema().description("What failed, on which value, and what to do about it"))
        .required(List.of("code", "message"));
  }

  private static void addErrorResponse(Operation operation) {
    ApiResponses responses = operation.getResponses();
    if (responses == null) {
      responses = new ApiResponses();
      operation.setResponses(responses);
    }
    Schema<?> reference = new Schema<>().$ref("#/components/schemas/" + ERROR_SCHEMA);
    Content content =
        new Content()
            .addMediaType(
                org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
                new MediaType().schema(reference));
    responses.addApiResponse(
        "default",
        new ApiResponse()
            .description(
                "An error, such as 400 for a bad request, 401 without valid credentials, 403 for"
                    + " a caller that may not do this, 404 for a name that does not exist or is"
                    + " not visible to the caller, 409 for a conflict")
            .content(content));
  }
}
