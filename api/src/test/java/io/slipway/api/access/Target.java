package io.slipway.api.access;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one request of the permission matrix acts on: a value for each placeholder of its path and
 * body, and the key of the device it is about, which the {@link Principal#DEVICE} caller sends.
 */
record Target(Map<String, String> values, String deviceKey) {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

  Target {
    values = Map.copyOf(values);
  }

  /** Returns a copy with {@code name} set to {@code value}. */
  Target with(String name, Object value) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(name, String.valueOf(value));
    return new Target(copy, deviceKey);
  }

  /** Returns a copy whose {@code id} is the value of {@code name}. */
  Target idOf(String name) {
    return with("id", values.get(name));
  }

  /** Returns a copy about another device, with that device's UUID and key. */
  Target withDevice(String uuid, String key) {
    return new Target(with("uuid", uuid).values(), key);
  }

  /**
   * Replaces every {@code {name}} in {@code template} by its value.
   *
   * @throws IllegalStateException when the target has no value for a placeholder
   */
  String fill(String template) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder filled = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw new IllegalStateException(
            "No value for {" + matcher.group(1) + "} in '" + template + "'; set it in the fixture");
      }
      matcher.appendReplacement(filled, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(filled);
    return filled.toString();
  }
}
