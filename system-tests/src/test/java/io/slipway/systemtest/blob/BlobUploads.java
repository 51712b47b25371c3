package io.slipway.systemtest.blob;

import io.slipway.systemtest.registry.RegistryClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The registry's upload protocol step by step, as a client that streams large blobs drives it: open
 * a session, send chunks with {@code PATCH}, ask for the offset with {@code GET}, and finish with
 * {@code PUT ?digest=}. Each step fails with the server's response when the status is not the
 * specified one.
 */
final class BlobUploads {

  private final RegistryClient registry;
  private final String repository;

  BlobUploads(RegistryClient registry, String repository) {
    this.registry = registry;
    this.repository = repository;
  }

  /** {@code POST /v2/NAME/blobs/uploads/}; returns the session's {@code Location}. */
  String start() {
    HttpResponse<byte[]> response =
        registry.send(
            registry
                .authorized(repository, "/v2/" + repository + "/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    expect(response, 202, "start an upload");
    return location(response);
  }

  /**
   * {@code PATCH} of one chunk; {@code contentRange} is {@code START-END} or null for a plain
   * streamed append. Returns the session's next {@code Location}.
   */
  String patch(String location, HttpRequest.BodyPublisher chunk, String contentRange) {
    HttpRequest.Builder request =
        registry
            .authorized(repository, location)
            .header("Content-Type", "application/octet-stream")
            .method("PATCH", chunk);
    if (contentRange != null) {
      request.header("Content-Range", contentRange);
    }
    HttpResponse<byte[]> response = registry.send(request.build());
    expect(response, 202, "append to " + location);
    return location(response);
  }

  /** {@code GET} of the session; returns how many bytes the server holds, from its Range. */
  long offset(String location) {
    HttpResponse<byte[]> response =
        registry.send(registry.authorized(repository, location).GET().build());
    expect(response, 204, "read the status of " + location);
    String range =
        response
            .headers()
            .firstValue("Range")
            .orElseThrow(() -> new AssertionError("Upload status without Range: " + location));
    return Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1;
  }

  /** {@code PUT ?digest=} without a body; the blob is then stored under {@code digest}. */
  void complete(String location, String digest) {
    String separator = location.contains("?") ? "&" : "?";
    HttpResponse<byte[]> response =
        registry.send(
            registry
                .authorized(repository, location + separator + "digest=" + digest)
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build());
    expect(response, 201, "complete " + location + " as " + digest);
  }

  private static String location(HttpResponse<byte[]> response) {
    return response
        .headers()
        .firstValue("Location")
        .orElseThrow(() -> new AssertionError("Upload response without Location: " + response));
  }

  private static void expect(HttpResponse<byte[]> response, int status, String step) {
    if (response.statusCode() != status) {
      throw new AssertionError(
          "Cannot " + step + ": expected " + status + ", got " + RegistryClient.describe(response));
    }
  }
}
