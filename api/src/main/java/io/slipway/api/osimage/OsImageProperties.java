package io.slipway.api.osimage;

import io.slipway.osimage.config.DeviceConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * OS image settings under {@code slipway.os-images.*}.
 *
 * @param apiEndpoint the URL devices reach the API at, written into config.json; null for {@code
 *     slipway.registry.public-url}, or else the URL of the request that asked for the image
 * @param registryEndpoint the registry's base URL, which devices pull from under {@code /v2/}; null
 *     for the API endpoint, because the server serves its registry itself
 * @param deltaEndpoint the URL devices ask for deltas at; null for the API endpoint, which serves
 *     them under {@code /device/v1/delta}
 * @param controlEndpoint the control channel's URL; null leaves it out of config.json, which
 *     devices read as "no control channel"
 * @param keyExpiry how long the provisioning key in a configured image registers devices: 30 days
 *     by default and 3650 days at most. A request may set a shorter or longer lifetime, up to 3650
 *     days.
 * @param pollInterval how often devices ask for their target state, written into config.json (10
 *     minutes by default; whole seconds from 10 seconds to one day)
 * @param bootLabels GPT partition names or FAT labels of the boot partition, in order of preference
 * @param maxUploadSize the largest base image accepted, as uploaded (16 GiB by default)
 * @param trustedKeys PEM public keys ({@code PUBLIC KEY}) whose Sigstore bundles the signature
 *     endpoint accepts; empty rejects every signature
 */
@ConfigurationProperties("slipway.os-images")
public record OsImageProperties(
    URI apiEndpoint,
    URI registryEndpoint,
    URI deltaEndpoint,
    URI controlEndpoint,
    @DefaultValue("30d") Duration keyExpiry,
    @DefaultValue("10m") Duration pollInterval,
    @DefaultValue({"flash-boot", "resin-boot", "balena-boot"}) List<String> bootLabels,
    @DefaultValue("16GB") DataSize maxUploadSize,
    @DefaultValue List<String> trustedKeys) {

  /**
   * @throws IllegalArgumentException naming the property and its value when a duration is not
   *     positive, the key expiry exceeds 3650 days, the label list is empty, the upload size is not
   *     positive or an endpoint is not an http(s) URL
   */
  /** The URL schemes config.json allows for the control channel. */
  private static final List<String> CONTROL_SCHEMES = List.of("mqtts", "wss", "https", "http");

  public OsImageProperties {
    requirePositive("key-expiry", keyExpiry);
    if (keyExpiry.compareTo(OsConfigOptions.MAX_KEY_EXPIRY) > 0) {
      throw new IllegalArgumentException(
          "slipway.os-images.key-expiry is "
              + keyExpiry
              + ": set it to "
              + OsConfigOptions.MAX_KEY_EXPIRY.toDays()
              + "d or less");
    }
    long pollSeconds = pollInterval.toSeconds();
    if (pollSeconds < DeviceConfig.MIN_POLL_INTERVAL_SECONDS
        || pollSeconds > DeviceConfig.MAX_POLL_INTERVAL_SECONDS) {
      throw new IllegalArgumentException(
          "slipway.os-images.poll-interval is "
              + pollInterval
              + ": set it to "
              + DeviceConfig.MIN_POLL_INTERVAL_SECONDS
              + "s to "
              + DeviceConfig.MAX_POLL_INTERVAL_SECONDS
              + "s");
    }
    if (bootLabels.isEmpty() || bootLabels.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(
          "slipway.os-images.boot-labels is "
              + bootLabels
              + ": list one label or more, such as resin-boot");
    }
    if (maxUploadSize.toBytes() <= 0) {
      throw new IllegalArgumentException(
          "slipway.os-images.max-upload-size is " + maxUploadSize + ": set it to 1MB or more");
    }
    requireHttpUrl("api-endpoint", apiEndpoint);
    requireHttpUrl("registry-endpoint", registryEndpoint);
    requireHttpUrl("delta-endpoint", deltaEndpoint);
    requireControlUrl(controlEndpoint);
    bootLabels = List.copyOf(bootLabels);
    trustedKeys = List.copyOf(trustedKeys);
  }

  private static void requirePositive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "slipway.os-images." + name + " is " + value + ": set it to a positive duration");
    }
  }

  private static void requireHttpUrl(String name, URI url) {
    if (url == null) {
      return;
    }
    boolean http =
        "http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme());
    if (!http || url.getHost() == null || url.getQuery() != null) {
      throw new IllegalArgumentException(
          "slipway.os-images."
              + name
              + " is '"
              + url
              + "': give an http or https URL with a host and no query, such as"
              + " https://slipway.example.org");
    }
  }

  private static void requireControlUrl(URI url) {
    if (url == null) {
      return;
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!CONTROL_SCHEMES.contains(scheme) || url.getHost() == null || url.getQuery() != null) {
      throw new IllegalArgumentException(
          "slipway.os-images.control-endpoint is '"
              + url
              + "': give an mqtts, wss, https or http URL with a host and no query, such as"
              + " mqtts://slipway.example.org:8883");
    }
  }
}
