package io.slipway.testing.image;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushes blobs and manifests into one repository of a loopback registry over plain HTTP. On the
 * first 401 it fetches one push token from the challenge's realm with basic credentials and keeps
 * using it. That suffices for fixtures, which push a few documents within a token's lifetime. Not
 * thread-safe.
 */
final class RegistryPush {

  private static final Pattern PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI base;
  private final String repository;
  private final String basic;
  private String bearer;

  RegistryPush(String registry, String repository, String username, String password) {
    if (!registry.startsWith("127.")) {
      throw new IllegalArgumentException(
          "Registry " + registry + " is not on loopback; fixtures push only to 127.0.0.0/8");
    }
    this.base = URI.create("http://" + registry);
    this.repository = repository;
    byte[] pair = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
    this.basic = "Basic " + Base64.getEncoder().encodeToString(pair);
  }

  /** Uploads {@code content} unless the repository already contains it. */
  void blob(byte[] content) {
    String digest = BusyboxImages.digestOf(content);
    HttpRequest.Builder head =
        HttpRequest.newBuilder(base.resolve("/v2/" + repository + "/blobs/" + digest))
            .method("HEAD", HttpRequest.BodyPublishers.noBody());
    if (send(head).statusCode() == 200) {
      return;
    }
    HttpResponse<String> started =
        send(
            HttpRequest.newBuilder(base.resolve("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    expect(started, 202, "start the upload of " + digest);
    String location = started.headers().firstValue("Location").orElseThrow();
    URI upload = base.resolve(location);
    String separator = upload.getRawQuery() == null ? "?" : "&";
    URI finish =
        URI.create(
            upload + separator + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
    HttpResponse<String> done =
        send(
            HttpRequest.newBuilder(finish)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
    expect(done, 201, "finish the upload of " + digest);
  }

  /** Stores a manifest or index under {@code reference} and returns its digest. */
  String manifest(String reference, String mediaType, byte[] content) {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(base.resolve("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
    expect(response, 201, "push manifest " + reference);
    return BusyboxImages.digestOf(content);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    HttpResponse<String> response = exchange(authorized(request));
    if (response.statusCode() != 401) {
      return response;
    }
    bearer = token(response.headers().firstValue("WWW-Authenticate").orElse(""));
    return exchange(authorized(request));
  }

  private HttpRequest authorized(HttpRequest.Builder request) {
    HttpRequest.Builder copy = request.copy().timeout(Duration.ofSeconds(60));
    if (bearer != null) {
      copy.setHeader("Authorization", "Bearer " + bearer);
    }
    return copy.build();
  }

  private String token(String challenge) {
    String realm = null;
    String service = null;
    Matcher matcher = PARAMETER.matcher(challenge);
    while (matcher.find()) {
      if (matcher.group(1).equals("realm")) {
        realm = matcher.group(2);
      } else if (matcher.group(1).equals("service")) {
        service = matcher.group(2);
      }
    }
    if (realm == null || !realm.startsWith("http://127.")) {
      throw new IllegalStateException("Unusable token challenge '" + challenge + "'");
    }
    String query =
        "?scope="
            + URLEncoder.encode("repository:" + repository + ":pull,push", StandardCharsets.UTF_8)
            + (service == null
                ? ""
                : "&service=" + URLEncoder.encode(service, StandardCharsets.UTF_8));
    HttpResponse<String> response =
        exchange(
            HttpRequest.newBuilder(URI.create(realm + query))
                .header("Authorization", basic)
                .build());
    expect(response, 200, "get a push token from " + realm);
    Matcher token =
        Pattern.compile("\"(?:access_)?token\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
    if (!token.find()) {
      throw new IllegalStateException("The token response from " + realm + " has no token");
    }
    return token.group(1);
  }

  private HttpResponse<String> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private void expect(HttpResponse<String> response, int status, String what) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          "Could not "
              + what
              + " in "
              + base
              + "/"
              + repository
              + ": HTTP "
              + response.statusCode()
              + " "
              + response.body());
    }
  }
}
