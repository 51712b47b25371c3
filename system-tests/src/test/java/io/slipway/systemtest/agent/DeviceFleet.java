package io.slipway.systemtest.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slipway.systemtest.builder.BuildApi;
import io.slipway.systemtest.builder.BuildApi.Reply;
import io.slipway.systemtest.image.Digests;
import io.slipway.systemtest.registry.RegistryClient;
import io.slipway.systemtest.server.SlipwayStack;
import io.slipway.testing.image.BusyboxImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fleet of generic-amd64 devices on a running server, set up as an operator would for the agent
 * tests: organization and fleet, service images pushed into the fleet's repositories, releases
 * deployed through the HTTP API, and the config.json of a configured OS image. Every call goes
 * through the server's API with the administrator's token. Not thread-safe.
 */
public final class DeviceFleet {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEVICE_TYPE = "generic-amd64";

  /** What each service runs: it prints its variant once, then stays up. */
  private static final List<String> SERVICE_COMMAND =
      List.of("sh", "-c", "cat " + BusyboxImages.VARIANT_FILE + "; exec sleep 86400");

  private final SlipwayStack stack;
  private final BuildApi admin;
  private final String organization;
  private final String fleet;

  private DeviceFleet(SlipwayStack stack, BuildApi admin, String organization, String fleet) {
    this.stack = stack;
    this.admin = admin;
    this.organization = organization;
    this.fleet = fleet;
  }

  /** Creates organization {@code organization} and its fleet {@code fleet} of generic-amd64. */
  public static DeviceFleet create(SlipwayStack stack, String organization, String fleet) {
    BuildApi admin = new BuildApi(stack, stack.server().bootstrapToken());
    Reply created = admin.send("POST", "/api/v1/orgs", "{\"slug\":\"" + organization + "\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    admin.createFleet(organization, fleet, DEVICE_TYPE);
    return new DeviceFleet(stack, admin, organization, fleet);
  }

  /** Returns {@code org/fleet}. */
  public String name() {
    return organization + "/" + fleet;
  }

  /** Returns the administrator's API client. */
  public BuildApi admin() {
    return admin;
  }

  /**
   * Pushes a busybox index whose layers contain {@link BusyboxImages#VARIANT_FILE} with {@code
   * variant} to the fleet's repository of {@code service} as {@code tag}, and returns {@code
   * HOST/ORG/FLEET/ SERVICE:TAG}.
   */
  public String pushService(String service, String tag, String variant) {
    return pushService(service, tag, variant, BusyboxImages.MediaTypes.OCI);
  }

  /**
   * Pushes the index of {@link #pushService(String, String, String)} with the media types {@code
   * types}, such as Docker's that {@code docker push} writes, and returns {@code
   * HOST/ORG/FLEET/SERVICE:TAG}.
   */
  public String pushService(
      String service, String tag, String variant, BusyboxImages.MediaTypes types) {
    String repository = name() + "/" + service;
    BusyboxImages.push(
        stack.server().registryHost(),
        repository,
        tag,
        "admin",
        stack.server().bootstrapToken(),
        variant,
        types);
    return stack.server().registryHost() + "/" + repository + ":" + tag;
  }

  /**
   * Deploys a release with one service per entry of {@code images}, each printing its variant and
   * then sleeping on the host's network (the test engine has no bridge network), and returns the
   * release.
   *
   * @throws AssertionError unless the release is created and succeeds
   */
  public JsonNode deploy(String version, Map<String, String> images) {
    ObjectNode body = JSON.createObjectNode().put("version", version);
    ObjectNode services = body.putObject("services");
    images.forEach(
        (service, image) -> {
          ObjectNode entry = services.putObject(service).put("image", image);
          ObjectNode configuration = entry.putObject("configuration");
          configuration.put("network_mode", "host");
          SERVICE_COMMAND.forEach(configuration.putArray("command")::add);
          entry.putObject("environment").put("SERVICE_NAME", service);
        });

    Reply deployed =
        admin.send(
            "POST",
            "/api/v1/orgs/" + organization + "/fleets/" + fleet + "/deployments",
            body.toString());
    assertThat(deployed.status()).as(deployed.text()).isEqualTo(201);
    assertThat(deployed.json().path("status").asText()).as(deployed.text()).isEqualTo("SUCCESS");
    return deployed.json();
  }

  /**
   * Returns the config.json of an OS image configured for this fleet, with a new provisioning key,
   * as {@code slipway os configure --fleet} would write it.
   */
  public byte[] osConfig() {
    return osConfig("{}");
  }

  /**
   * Returns the config.json of {@code POST .../os-config} with {@code body}, such as {@code
   * {"maxDevices": 1}} for a provisioning key that registers one device.
   */
  public byte[] osConfig(String body) {
    Reply config =
        admin.send(
            "POST", "/api/v1/orgs/" + organization + "/fleets/" + fleet + "/os-config", body);
    assertThat(config.status()).as(config.text()).isEqualTo(201);
    return config.text().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Uploads the raw disk image {@code image} as the base OS image {@code version} of the fleet's
   * device type, as a server administrator does.
   *
   * @throws AssertionError unless the server stores it ({@code 201})
   */
  public void uploadBaseImage(Path image, String version) throws IOException {
    String sha256 = Digests.hex(Digests.sha256(Files.readAllBytes(image)));
    URI uri =
        URI.create(
            stack.server().baseUrl()
                + "/api/v1/os-images?deviceType="
                + DEVICE_TYPE
                + "&version="
                + version
                + "&sha256="
                + sha256);
    HttpRequest request =
        adminRequest(uri)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofFile(image))
            .build();
    HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  /**
   * Downloads the fleet's configured OS image, with a new provisioning key, as a raw disk image
   * ({@code format=img}) to {@code target}. The request goes to {@code server}, such as a proxy in
   * front of the server. The server names the address a request reached it at as the device's
   * endpoints in config.json, so the device then talks to the server through that proxy too.
   *
   * @return the image and the id of the provisioning key in its config.json
   * @throws AssertionError unless the server sends the image ({@code 200})
   */
  public ConfiguredImage osImage(URI server, Path target) throws IOException {
    URI uri = server.resolve(fleetPath() + "/os-image?format=img");
    HttpResponse<Path> response =
        exchange(adminRequest(uri).GET().build(), HttpResponse.BodyHandlers.ofFile(target));
    if (response.statusCode() != 200) {
      // An error's JSON body went to the file in place of the image.
      throw new AssertionError(
          "GET "
              + uri
              + " returned "
              + response.statusCode()
              + ": "
              + Files.readString(target, StandardCharsets.UTF_8));
    }
    String keyId =
        response
            .headers()
            .firstValue("Slipway-Provisioning-Key-Id")
            .orElseThrow(() -> new AssertionError("GET " + uri + " named no provisioning key"));
    return new ConfiguredImage(target, Long.parseLong(keyId));
  }

  /**
   * A configured OS image on disk.
   *
   * @param file the raw disk image
   * @param provisioningKeyId the id of the provisioning key the server wrote into its config.json
   */
  public record ConfiguredImage(Path file, long provisioningKeyId) {}

  /**
   * Returns the fleet's provisioning key {@code id} as the list endpoint sends it, with its {@code
   * useCount} of registrations.
   *
   * @throws AssertionError when the fleet has no such key
   */
  public JsonNode provisioningKey(long id) {
    Reply list = admin.send("GET", fleetPath() + "/provisioning-keys", null);
    assertThat(list.status()).as(list.text()).isEqualTo(200);
    for (JsonNode key : list.json()) {
      if (key.path("id").asLong() == id) {
        return key;
      }
    }
    throw new AssertionError("No provisioning key " + id + " in " + name() + ": " + list.text());
  }

  private String fleetPath() {
    return "/api/v1/orgs/" + organization + "/fleets/" + fleet;
  }

  private HttpRequest.Builder adminRequest(URI uri) {
    return HttpRequest.newBuilder(uri)
        .header("Authorization", "Bearer " + stack.server().bootstrapToken())
        .timeout(Duration.ofMinutes(1));
  }

  private static <T> HttpResponse<T> exchange(
      HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return HttpClient.newHttpClient().send(request, body);
    } catch (IOException e) {
      throw new UncheckedIOException("Request " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while requesting " + request.uri(), e);
    }
  }

  /**
   * Returns the bytes a full pull of the linux/amd64 image of {@code service:tag} moves: its
   * platform manifest, config and layers, as the registry lists them.
   */
  public long fullPullBytes(String service, String tag) {
    RegistryClient registry =
        new RegistryClient(stack.server().baseUrl(), "admin", stack.server().bootstrapToken());
    String repository = name() + "/" + service;
    JsonNode index = RegistryClient.json(registry.manifest(repository, tag).body());
    for (JsonNode entry : index.path("manifests")) {
      if (entry.path("platform").path("architecture").asText().equals("amd64")) {
        JsonNode manifest =
            RegistryClient.json(
                registry.manifest(repository, entry.path("digest").asText()).body());
        long total = entry.path("size").asLong() + manifest.path("config").path("size").asLong();
        for (JsonNode layer : manifest.path("layers")) {
          total += layer.path("size").asLong();
        }
        return total;
      }
    }
    throw new AssertionError("No linux/amd64 manifest in " + repository + ":" + tag + ": " + index);
  }

  /** Returns the devices of the fleet as the list endpoint sends them. */
  public List<JsonNode> devices() {
    Reply list =
        admin.send("GET", "/api/v1/orgs/" + organization + "/fleets/" + fleet + "/devices", null);
    assertThat(list.status()).as(list.text()).isEqualTo(200);
    JsonNode items = list.json().has("items") ? list.json().path("items") : list.json();
    List<JsonNode> devices = new ArrayList<>();
    items.forEach(devices::add);
    return devices;
  }

  /**
   * Returns {@code GET /api/v1/devices/{uuid}/state}: the target release and the device's last
   * report, whose {@code reported} is null before the first one.
   */
  public JsonNode reportedState(String uuid) {
    Reply state = admin.send("GET", "/api/v1/devices/" + uuid + "/state", null);
    assertThat(state.status()).as(state.text()).isEqualTo(200);
    return state.json();
  }
}
