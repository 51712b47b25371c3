package io.slipway.osimage.config;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A WPA2/WPA3-Personal Wi-Fi network. Immutable and thread-safe; {@link #toString()} hides the
 * passphrase.
 *
 * @param ssid the network name: 1 to 32 bytes of UTF-8, no control characters
 * @param psk the passphrase: 8 to 63 printable ASCII characters, or 64 hex digits
 */
public record WifiNetwork(String ssid, String psk) {

  private static final Pattern PASSPHRASE = Pattern.compile("[\\x20-\\x7e]{8,63}");
  private static final Pattern RAW_KEY = Pattern.compile("[0-9a-fA-F]{64}");

  public WifiNetwork {
    int ssidBytes = ssid == null ? 0 : ssid.getBytes(StandardCharsets.UTF_8).length;
    if (ssidBytes < 1 || ssidBytes > 32 || ssid.chars().anyMatch(Character::isISOControl)) {
      throw DeviceConfig.invalid(
          "Invalid os.network.wifi.ssid '"
              + ssid
              + "': use 1 to 32 bytes of UTF-8 without control characters");
    }
    boolean validPsk =
        psk != null && (PASSPHRASE.matcher(psk).matches() || RAW_KEY.matcher(psk).matches());
    if (!validPsk) {
      throw DeviceConfig.invalid(
          "Invalid os.network.wifi.psk for network '"
              + ssid
              + "': use 8 to 63 printable ASCII characters, or 64 hex digits");
    }
  }

  /**
   * Returns the NetworkManager keyfile that joins this network, with DHCP on IPv4 and automatic
   * IPv6. Values are escaped as the keyfile format requires.
   */
  public String networkManagerProfile() {
    return "[connection]\n"
        + "id=slipway-wifi\n"
        + "type=wifi\n"
        + "autoconnect=true\n"
        + "\n"
        + "[wifi]\n"
        + "mode=infrastructure\n"
        + "ssid="
        + escape(ssid)
        + "\n"
        + "\n"
        + "[wifi-security]\n"
        + "key-mgmt=wpa-psk\n"
        + "psk="
        + escape(psk)
        + "\n"
        + "\n"
        + "[ipv4]\n"
        + "method=auto\n"
        + "\n"
        + "[ipv6]\n"
        + "addr-gen-mode=stable-privacy\n"
        + "method=auto\n";
  }

  @Override
  public String toString() {
    return "WifiNetwork[ssid=" + ssid + ", psk=(hidden)]";
  }

  /**
   * Escapes a value for a GLib key file: backslash first, then the characters the format gives a
   * meaning (a leading space, a separator in lists).
   */
  private static String escape(String value) {
    String escaped = value.replace("\\", "\\\\").replace(";", "\\;");
    if (escaped.startsWith(" ")) {
      escaped = "\\s" + escaped.substring(1);
    }
    return escaped;
  }
}
