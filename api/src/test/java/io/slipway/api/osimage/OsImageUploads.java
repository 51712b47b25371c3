package io.slipway.api.osimage;

import io.slipway.api.fleet.ControlPlaneFixture.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** Uploads base OS images to a test server as a client does, and computes their digests. */
final class OsImageUploads {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private OsImageUploads() {}

  /**
   * Sends {@code body} to {@code POST /api/v1/os-images} of the server on {@code port}, as {@code
   * token}, with the query parameters given.
   */
  static Response upload(
      int port,
      String token,
      String deviceType,
      String version,
      String sha256,
      HttpRequest.BodyPublisher body) {
    String query =
        "?deviceType="
            + deviceType
            + "&version="
            + version.replace("+", "%2B")
            + "&sha256="
            + sha256;
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/os-images" + query))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/octet-stream")
            .POST(body)
            .timeout(Duration.ofMinutes(2))
            .build();
    try {
      HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while uploading", e);
    }
  }

  /** Returns the SHA-256 of {@code content} as 64 lower-case hex digits. */
  static String sha256(byte[] content) {
    MessageDigest digest = newDigest();
    return HexFormat.of().formatHex(digest.digest(content));
  }

  /** Returns the SHA-256 of the file {@code file} as 64 lower-case hex digits. */
  static String sha256(Path file) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime provides SHA-256", e);
    }
  }
}
