package io.slipway.api.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Describes what springdoc cannot see in the OS image endpoints: the upload's raw body, the
 * config.json response and the configured image's byte stream in its formats.
 */
@Configuration(proxyBeanMethods = false)
class OsImageOperations {

  /** The media types of a base or configured image, in the order of the formats. */
  private static final List<String> IMAGE_TYPES =
      List.of(
          "application/octet-stream",
          "application/zip",
          "application/gzip",
          "application/x-xz",
          "application/zstd");

  @Bean
  OpenApiCustomizer slipwayOsImageEndpoints() {
    return openApi -> {
      if (openApi.getPaths() == null) {
        return;
      }
      describeUpload(openApi);
      describeConfig(openApi);
      describeDownload(openApi);
    };
  }

  private static void describeUpload(OpenAPI openApi) {
    Operation post = post(openApi, "/api/v1/os-images");
    if (post == null) {
      return;
    }
    post.setSummary("Upload a base OS image");
    post.setDescription(
        "Stores the body, an OS image file (raw, or zip, gzip, xz or zstd), as the base image of"
            + " deviceType at version. The body is checked against sha256 and read as a disk"
            + " image with a boot partition before it is listed. Uploading the same file again"
            + " answers 200; another file for a stored version answers 409. Server"
            + " administrators only; capped by slipway.os-images.max-upload-size.");
    post.setRequestBody(
        new RequestBody().required(true).description("The image file").content(images()));
    ApiResponses responses = post.getResponses();
    if (responses != null && responses.containsKey("200")) {
      ApiResponse stored = responses.get("200");
      responses.addApiResponse(
          "201", new ApiResponse().description("Stored").content(stored.getContent()));
      stored.setDescription("The same file was stored under this version before");
    }
  }

  private static void describeConfig(OpenAPI openApi) {
    Operation post = post(openApi, "/api/v1/orgs/{org}/fleets/{fleet}/os-config");
    if (post == null) {
      return;
    }
    post.setSummary("Create a config.json with a new provisioning key");
    post.setDescription(
        "Creates a provisioning key for the fleet (expiring, optionally limited to maxDevices)"
            + " and answers 201 with the config.json that holds it; the key's id is in the"
            + " Slipway-Provisioning-Key-Id header. docs/os-images.md documents every field.");
    ApiResponses responses = responsesOf(post);
    responses.remove("200");
    responses.addApiResponse(
        "201",
        new ApiResponse()
            .description("config.json")
            .content(
                new Content()
                    .addMediaType(
                        org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
                        new MediaType().schema(new ObjectSchema()))));
  }

  private static void describeDownload(OpenAPI openApi) {
    PathItem item = openApi.getPaths().get("/api/v1/orgs/{org}/fleets/{fleet}/os-image");
    if (item == null || item.getGet() == null) {
      return;
    }
    Operation get = item.getGet();
    get.setSummary("Download the fleet's configured OS image");
    get.setDescription(
        "Streams the base image of the fleet's device type (the newest, or version) with a"
            + " config.json holding a new provisioning key, in format (img, img.zip, img.gz,"
            + " img.xz, img.zst; img.zip by default). Content-Length is sent when the size is"
            + " known in advance (img). Errors before the first byte are JSON; a failure while"
            + " streaming closes the connection.");
    responsesOf(get)
        .addApiResponse(
            "200", new ApiResponse().description("The configured image").content(images()));
  }

  private static Content images() {
    Content content = new Content();
    for (String type : IMAGE_TYPES) {
      content.addMediaType(type, new MediaType().schema(new StringSchema().format("binary")));
    }
    return content;
  }

  /** Returns the operation's responses, keeping those other customizers added. */
  private static ApiResponses responsesOf(Operation operation) {
    if (operation.getResponses() == null) {
      operation.setResponses(new ApiResponses());
    }
    return operation.getResponses();
  }

  private static Operation post(OpenAPI openApi, String path) {
    PathItem item = openApi.getPaths().get(path);
    return item == null ? null : item.getPost();
  }
}
