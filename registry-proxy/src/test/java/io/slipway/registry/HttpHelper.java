package io.slipway.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Raw HTTP calls against a {@link RegistryFixture}, with an optional bearer token. */
final class HttpHelper {

  private final HttpClient client = HttpClient.newHttpClient();
  private final URI base;
  private String token;

  HttpHelper(URI base) {
    this.base = base;
  }

  HttpHelper withToken(String token) {
    this.token = token;
    return this;
  }

  HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers)
      throws IOException, InterruptedException {
    URI uri = path.startsWith("http") ? URI.create(path) : base.resolve(path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> get(String path, String... headers)
      throws IOException, InterruptedException {
    return send("GET", path, null, headers);
  }

  /** Pushes a blob monolithically and returns its digest. */
  String pushBlob(String repository, byte[] content) throws IOException, InterruptedException {
    String digest = sha256(content);
    HttpResponse<byte[]> response =
        send(
            "POST",
            "/v2/" + repository + "/blobs/uploads/?digest=" + digest,
            content,
            "Content-Type",
            "application/octet-stream");
    if (response.statusCode() != 201) {
      throw new IllegalStateException(
          "Blob push failed: " + response.statusCode() + " " + new String(response.body()));
    }
    return digest;
  }

  static String sha256(byte[] content) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
