package io.slipway.osimage.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Network settings the device's OS applies on first boot. Immutable and thread-safe.
 *
 * @param hostname the host name to announce, or null to keep the OS's default (the device UUID's
 *     first seven digits on balenaOS-style systems)
 * @param wifi the Wi-Fi network to join, or null for wired networking only
 * @param dnsServers DNS servers to use besides the ones DHCP gives, as IP addresses
 * @param ntpServers NTP servers to use besides the OS's defaults, as host names or IP addresses
 */
public record NetworkSettings(
    String hostname, WifiNetwork wifi, List<String> dnsServers, List<String> ntpServers) {

  /** No settings: DHCP on wired networks and the OS's defaults. */
  public static final NetworkSettings NONE = new NetworkSettings(null, null, List.of(), List.of());

  private static final Pattern HOSTNAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern SERVER = Pattern.compile("[A-Za-z0-9.:-]{1,253}");

  public NetworkSettings {
    dnsServers = List.copyOf(Objects.requireNonNullElse(dnsServers, List.of()));
    ntpServers = List.copyOf(Objects.requireNonNullElse(ntpServers, List.of()));
    if (hostname != null && !HOSTNAME.matcher(hostname).matches()) {
      throw DeviceConfig.invalid(
          "Invalid os.network.hostname '"
              + hostname
              + "': use 1 to 63 lower-case letters, digits and '-', not starting or ending with"
              + " '-'");
    }
    dnsServers.forEach(server -> checkServer("os.network.dnsServers", server));
    ntpServers.forEach(server -> checkServer("os.network.ntpServers", server));
  }

  /** Returns true when nothing is set. */
  public boolean isEmpty() {
    return hostname == null && wifi == null && dnsServers.isEmpty() && ntpServers.isEmpty();
  }

  private static void checkServer(String field, String server) {
    if (server == null || !SERVER.matcher(server).matches()) {
      throw DeviceConfig.invalid(
          "Invalid entry '"
              + DeviceConfig.abbreviate(server)
              + "' in "
              + field
              + ": give a host name or an IP address");
    }
  }
}
