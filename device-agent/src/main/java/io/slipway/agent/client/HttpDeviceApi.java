package io.slipway.agent.client;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.agent.config.AgentConfig;
import io.slipway.delta.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The {@link DeviceApi} over {@link HttpClient} and JSON. Requests go to {@code
 * apiEndpoint/device/v1/...}, delta requests to {@code deltaEndpoint/device/v1/delta}; every one
 * has a timeout for its response headers, and bodies are read up to {@link #MAX_BODY_BYTES}. Errors
 * follow {@link DeviceApi}'s mapping, with 408 and 429 counted as {@code SERVER_UNAVAILABLE} like
 * 5xx, because a retry later is the right response to both.
 *
 * <p>Built from an {@link AgentConfig}: before registration it has no device key, and every call
 * but {@link #register} fails with {@link IllegalStateException}. Thread-safe.
 */
public final class HttpDeviceApi implements DeviceApi {

  /** The largest response body read, in bytes; target states and envelopes are far smaller. */
  public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  /** The default timeout for connecting and for each response's headers. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final URI apiEndpoint;
  private final URI deltaEndpoint;
  private final String uuid;
  private final String deviceKey;
  private final HttpClient client;
  private final Duration timeout;
  private final Downloader downloader;

  /**
   * Creates the API for {@code config}'s endpoints and device key.
   *
   * @param client the HTTP client; its connect timeout should be set
   * @param timeout how long to wait for a response's headers
   * @param downloader what {@link #payloads()} delegates to
   */
  public HttpDeviceApi(
      AgentConfig config, HttpClient client, Duration timeout, Downloader downloader) {
    this.apiEndpoint = Objects.requireNonNull(config.apiEndpoint(), "apiEndpoint");
    this.deltaEndpoint = Objects.requireNonNull(config.deltaEndpoint(), "deltaEndpoint");
    this.uuid = config.uuid();
    this.deviceKey = config.deviceApiKey();
    this.client = Objects.requireNonNull(client, "client");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.downloader = Objects.requireNonNull(downloader, "downloader");
  }

  /**
   * Creates the API with a new {@link HttpClient} (HTTP/1.1, {@link #DEFAULT_TIMEOUT} to connect,
   * redirects not followed), the default timeout and an {@link HttpDownloader} with its defaults.
   */
  public static HttpDeviceApi create(AgentConfig config) {
    HttpClient client = newClient(DEFAULT_TIMEOUT);
    return new HttpDeviceApi(config, client, DEFAULT_TIMEOUT, new HttpDownloader(client));
  }

  /**
   * Returns an HTTP/1.1 client that connects within {@code connectTimeout} and follows no
   * redirects: a redirect would carry the device key to wherever it points.
   */
  public static HttpClient newClient(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public Registered register(String provisioningKey, Registration registration) {
    Objects.requireNonNull(provisioningKey, "provisioningKey");
    String name = "POST /device/v1/register for device " + registration.uuid();
    HttpRequest request =
        json(api("/device/v1/register"), "Bearer " + provisioningKey)
            .POST(HttpRequest.BodyPublishers.ofByteArray(DeviceApiJson.registration(registration)))
            .build();
    Response response = send(name, request);
    int status = response.status();
    if (status == 401 || status == 403 || status == 409) {
      throw new AgentException(
          AgentFailure.REGISTRATION_REFUSED,
          HttpFailures.ofStatus(name, status, response.body()).getMessage()
              + rejectionAdvice(status));
    }
    requireSuccess(name, response);
    return read(name, () -> DeviceApiJson.registered(response.json(), status == 201));
  }

  @Override
  public Optional<TargetState> targetState(String etag) {
    String name = "GET /device/v1/" + requireUuid() + "/state";
    HttpRequest.Builder request = device(api(devicePath("/state")));
    if (etag != null) {
      request.header("If-None-Match", etag);
    }
    Response response = send(name, request.GET().build());
    if (response.status() == 304) {
      return Optional.empty();
    }
    requireSuccess(name, response);
    String newEtag = response.header("ETag");
    return Optional.of(read(name, () -> DeviceApiJson.targetState(response.json(), newEtag)));
  }

  @Override
  public FleetInfo fleet() {
    String name = "GET /device/v1/" + requireUuid() + "/fleet";
    Response response = get(name, api(devicePath("/fleet")));
    requireSuccess(name, response);
    return read(name, () -> DeviceApiJson.fleet(response.json()));
  }

  @Override
  public byte[] signedTargetState() {
    String name = "GET /device/v1/" + requireUuid() + "/state/signed";
    Response response = get(name, api(devicePath("/state/signed")));
    requireSuccess(name, response);
    return response.body();
  }

  @Override
  public byte[] signedKeyList() {
    String name = "GET /device/v1/" + requireUuid() + "/signing-keys/signed";
    Response response = get(name, api(devicePath("/signing-keys/signed")));
    requireSuccess(name, response);
    return response.body();
  }

  @Override
  public Optional<byte[]> releaseSignature(long releaseId) {
    String path = devicePath("/releases/" + releaseId + "/signature");
    String name = "GET /device/v1/" + requireUuid() + "/releases/" + releaseId + "/signature";
    Response response = get(name, api(path));
    boolean unsigned =
        response.status() == 404
            && "RELEASE_NOT_SIGNED".equals(HttpFailures.errorCode(response.body()));
    if (unsigned) {
      return Optional.empty();
    }
    requireSuccess(name, response);
    return Optional.of(read(name, () -> DeviceApiJson.releaseBundle(response.json())));
  }

  @Override
  public void reportState(StateReport report) {
    String name = "PATCH /device/v1/" + requireUuid() + "/state";
    patch(name, api(devicePath("/state")), DeviceApiJson.report(report));
  }

  @Override
  public void updateSelf(String osVersion) {
    if (osVersion == null) {
      return;
    }
    String name = "PATCH /device/v1/" + requireUuid();
    patch(name, api(devicePath("")), DeviceApiJson.osVersion(osVersion));
  }

  @Override
  public void sendLogs(List<LogLine> lines) {
    if (lines.size() > 1_000) {
      throw new IllegalArgumentException(
          "Log batch of " + lines.size() + " lines is too large: send at most 1000 per batch");
    }
    String name = "POST /device/v1/" + requireUuid() + "/logs";
    HttpRequest request =
        json(api(devicePath("/logs")), bearer())
            .POST(HttpRequest.BodyPublishers.ofByteArray(DeviceApiJson.logs(lines)))
            .build();
    requireSuccess(name, send(name, request));
  }

  @Override
  public ControlChannelSettings controlChannel() {
    String name = "GET /device/v1/" + requireUuid() + "/control-channel";
    Response response = get(name, api(devicePath("/control-channel")));
    requireSuccess(name, response);
    return read(name, () -> DeviceApiJson.controlChannel(response.json()));
  }

  @Override
  public DeltaOffer delta(Digest from, Digest to) {
    requireUuid();
    String query = "?to=" + Endpoints.encode(to.value());
    if (from != null) {
      query = "?from=" + Endpoints.encode(from.value()) + "&to=" + Endpoints.encode(to.value());
    }
    String name = "GET /device/v1/delta from " + from + " to " + to;
    Response response = get(name, Endpoints.resolve(deltaEndpoint, "/device/v1/delta" + query));
    requireSuccess(name, response);
    Long retryAfter = retryAfterSeconds(response.header("Retry-After"));
    return read(name, () -> DeviceApiJson.delta(response.json(), retryAfter, deltaEndpoint));
  }

  /**
   * Returns {@link #downloader} with this API's device key filled in whenever a caller passes no
   * {@code authorization}.
   */
  @Override
  public Downloader payloads() {
    String bearer = bearer();
    return (uri, authorization, file, size, digest, progress) -> {
      Supplier<String> header = authorization == null ? () -> bearer : authorization;
      downloader.fetch(uri, header, file, size, digest, progress);
    };
  }

  @Override
  public String toString() {
    return "HttpDeviceApi[apiEndpoint=" + apiEndpoint + ", uuid=" + uuid + "]";
  }

  private Response get(String name, URI uri) {
    return send(name, device(uri).GET().build());
  }

  private void patch(String name, URI uri, byte[] body) {
    HttpRequest request =
        json(uri, bearer()).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)).build();
    requireSuccess(name, send(name, request));
  }

  private HttpRequest.Builder device(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Authorization", bearer())
        .header("Accept", "application/json");
  }

  private HttpRequest.Builder json(URI uri, String authorization) {
    return HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Authorization", authorization)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json");
  }

  private Response send(String name, HttpRequest request) {
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw HttpFailures.unreachable(name, request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException(AgentFailure.SERVER_UNAVAILABLE, name + " was interrupted", e);
    }
    try (InputStream body = response.body()) {
      byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw HttpFailures.malformed(name, "the body is larger than " + MAX_BODY_BYTES + " bytes");
      }
      return new Response(response, bytes);
    } catch (IOException e) {
      throw HttpFailures.unreachable(name, request.uri(), e);
    }
  }

  private static void requireSuccess(String name, Response response) {
    if (response.status() / 100 != 2) {
      throw HttpFailures.ofStatus(name, response.status(), response.body());
    }
  }

  private static <T> T read(String name, Supplier<T> reader) {
    try {
      return reader.get();
    } catch (DeviceApiJson.MalformedException e) {
      throw HttpFailures.malformed(name, e.getMessage());
    }
  }

  private static Long retryAfterSeconds(String header) {
    if (header == null) {
      return null;
    }
    try {
      return Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      // An HTTP date instead of seconds: the body's retryAfterSeconds or the minimum serves.
      return null;
    }
  }

  private static String rejectionAdvice(int status) {
    if (status == 409) {
      return "; the UUID belongs to another device: delete the agent's registration.json to"
          + " register with a new UUID";
    }
    return "; ask an owner of the fleet for a new provisioning key and put it in config.json";
  }

  private URI api(String path) {
    return Endpoints.resolve(apiEndpoint, path);
  }

  private String devicePath(String suffix) {
    return "/device/v1/" + Endpoints.encode(requireUuid()) + suffix;
  }

  private String requireUuid() {
    if (uuid == null || deviceKey == null) {
      throw new IllegalStateException(
          "The device is not registered yet: build the API from the registered configuration");
    }
    return uuid;
  }

  private String bearer() {
    requireUuid();
    return "Bearer " + deviceKey;
  }

  /** A response whose body was read whole. */
  private record Response(HttpResponse<?> response, byte[] body) {

    int status() {
      return response.statusCode();
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    JsonNode json() {
      return DeviceApiJson.parse(body);
    }
  }
}
