package io.slipway.builder.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A registry's {@code WWW-Authenticate} challenge: the scheme ({@code Bearer} or {@code Basic}) and
 * its parameters, such as {@code realm}, {@code service} and {@code scope}. Immutable.
 *
 * @param scheme the scheme, lower case
 * @param parameters the parameters with unquoted values, in header order
 */
record Challenge(String scheme, Map<String, String> parameters) {

  Challenge {
    parameters = Map.copyOf(parameters);
  }

  /** Parses a header value, or returns empty when it names no scheme. */
  static Optional<Challenge> parse(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String text = header.strip();
    int space = text.indexOf(' ');
    String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
    Map<String, String> parameters = space < 0 ? Map.of() : parameters(text.substring(space + 1));
    return Optional.of(new Challenge(scheme, parameters));
  }

  /** Reads {@code key=value} and {@code key="value, with commas"} pairs separated by commas. */
  private static Map<String, String> parameters(String text) {
    Map<String, String> parameters = new LinkedHashMap<>();
    int position = 0;
    while (position < text.length()) {
      int equals = text.indexOf('=', position);
      if (equals < 0) {
        break;
      }
      String key = text.substring(position, equals).strip().toLowerCase(Locale.ROOT);
      StringBuilder value = new StringBuilder();
      int next = equals + 1;
      if (next < text.length() && text.charAt(next) == '"') {
        next++;
        while (next < text.length() && text.charAt(next) != '"') {
          if (text.charAt(next) == '\\' && next + 1 < text.length()) {
            next++;
          }
          value.append(text.charAt(next++));
        }
        next++;
      } else {
        while (next < text.length() && text.charAt(next) != ',') {
          value.append(text.charAt(next++));
        }
      }
      parameters.putIfAbsent(key, value.toString().strip());
      int comma = text.indexOf(',', next);
      position = comma < 0 ? text.length() : comma + 1;
    }
    return parameters;
  }

  boolean isBearer() {
    return scheme.equals("bearer") && parameters.containsKey("realm");
  }

  boolean isBasic() {
    return scheme.equals("basic");
  }

  String realm() {
    return parameters.get("realm");
  }

  String service() {
    return parameters.get("service");
  }
}
