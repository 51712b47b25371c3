package io.slipway.builder.template;

import io.slipway.builder.BuildInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code %%VARIABLE%%} placeholders in a Dockerfile template, as balena's templates do, and
 * rejects placeholders left in files that are not templates.
 *
 * <p>Known variables: {@code SLIPWAY_MACHINE_NAME} (the device type slug), {@code SLIPWAY_ARCH}
 * (the Slipway architecture name) and {@code SLIPWAY_SERVICE_NAME}, each also spelled with the
 * {@code BALENA_} and the older {@code RESIN_} prefix so that existing projects build unchanged.
 * Stateless and safe for concurrent use.
 */
public final class TemplateVariables {

  /** A placeholder: two percent signs, an upper-case name, two percent signs. */
  private static final Pattern PLACEHOLDER = Pattern.compile("%%([A-Z][A-Z0-9_]*)%%");

  private static final String[] PREFIXES = {"SLIPWAY_", "BALENA_", "RESIN_"};

  private TemplateVariables() {}

  /**
   * Returns the value of every known variable for a build.
   *
   * @param machineName the device type slug
   * @param architecture the Slipway architecture name
   * @param service the service name
   */
  public static Map<String, String> values(
      String machineName, String architecture, String service) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String prefix : PREFIXES) {
      values.put(prefix + "MACHINE_NAME", machineName);
      values.put(prefix + "ARCH", architecture);
      values.put(prefix + "SERVICE_NAME", service);
    }
    return values;
  }

  /**
   * Replaces every placeholder of {@code text} with its value.
   *
   * @param file the template's name relative to the project root, for messages
   * @throws BuildInputException naming the file, the line and the variable when a placeholder is
   *     not one of {@code values}
   */
  public static String fill(String text, String file, Map<String, String> values) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String value = values.get(name);
      if (value == null) {
        throw new BuildInputException(
            file,
            lineOf(text, matcher.start()),
            "unknown template variable %%"
                + name
                + "%%; use %%SLIPWAY_MACHINE_NAME%%, %%SLIPWAY_ARCH%% or"
                + " %%SLIPWAY_SERVICE_NAME%% (or their BALENA_ spelling)");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /**
   * Rejects a placeholder in a file that is not a template, where Docker would keep it as text.
   *
   * @throws BuildInputException naming the file, the line and the variable of the first placeholder
   */
  public static void rejectPlaceholders(String text, String file) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    if (matcher.find()) {
      throw new BuildInputException(
          file,
          lineOf(text, matcher.start()),
          "%%"
              + matcher.group(1)
              + "%% is a template variable, but "
              + file
              + " is not a template, so it would stay as text; rename the file to"
              + " Dockerfile.template or remove the variable");
    }
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
