package io.slipway.cli.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.scanner.ScannerImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.tokens.ScalarToken;
import org.snakeyaml.engine.v2.tokens.Token;

/**
 * Interpolates the values of a compose file's text, as Docker Compose does after parsing it: every
 * scalar that is not a mapping key is replaced by its interpolated value, and keys and comments
 * stay as written. The result is compose text again, so the builder's compose reader checks it, and
 * every line stays where it was, so its messages keep naming the right line. Stateless.
 */
final class ComposeInterpolation {

  /**
   * Results written back without quotes: integers and booleans whose text YAML reads back
   * unchanged. A float such as {@code 1.10} or an integer such as {@code 010} stays a string, since
   * YAML would turn it into {@code 1.1} or {@code 10}.
   */
  private static final Pattern PLAIN =
      Pattern.compile("-?(?:0|[1-9][0-9]{0,17})|true|false|True|False|TRUE|FALSE");

  private ComposeInterpolation() {}

  /**
   * Returns {@code text} with each value that contains {@code $} interpolated with {@code
   * variables}. A value that was plain YAML stays plain when its result is an integer or a boolean,
   * as if written so. Other results are written as double-quoted YAML strings.
   *
   * @param name the compose file's name, for messages
   * @return the interpolated text; {@code text} itself when it is not valid YAML, which the compose
   *     reader then reports
   * @throws io.slipway.cli.CommandFailedException with the usage exit code, naming the file, line
   *     and variable, as {@link Interpolation#apply} does
   */
  static String apply(String text, String name, Map<String, String> variables) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    List<ScalarToken> values;
    try {
      values = valueScalars(text);
    } catch (YamlEngineException e) {
      return text;
    }

    int[] source = text.codePoints().toArray();
    StringBuilder out = new StringBuilder(text.length());
    int copied = 0;
    for (ScalarToken scalar : values) {
      Mark start = scalar.getStartMark().orElseThrow();
      Mark end = scalar.getEndMark().orElseThrow();
      String place = name + ":" + (start.getLine() + 1);
      String value = new Interpolation(variables::get, place).apply(scalar.getValue());
      out.append(new String(source, copied, start.getIndex() - copied));
      out.append(replacement(scalar, value, source, start, end));
      copied = end.getIndex();
    }
    out.append(new String(source, copied, source.length - copied));
    return out.toString();
  }

  /**
   * Returns the scalars of {@code text} that contain {@code $} and are not mapping keys, in file
   * order. Scanning the whole text first lets a YAML error win over an interpolation error.
   */
  private static List<ScalarToken> valueScalars(String text) {
    LoadSettings settings = LoadSettings.builder().build();
    // The scanner alone accepts some invalid documents, such as an unclosed '[', so parse first.
    new Parse(settings).parseString(text).forEach(event -> {});
    ScannerImpl scanner = new ScannerImpl(settings, new StreamReader(settings, text));
    List<ScalarToken> values = new ArrayList<>();
    boolean key = false;
    while (scanner.hasNext()) {
      Token token = scanner.next();
      Token.ID id = token.getTokenId();
      if (id == Token.ID.Anchor || id == Token.ID.Tag) {
        continue;
      }
      boolean isKey = key;
      key = id == Token.ID.Key;
      if (token instanceof ScalarToken scalar
          && !isKey
          && scalar.getValue().indexOf('$') >= 0
          && scalar.getStartMark().isPresent()
          && scalar.getEndMark().isPresent()) {
        values.add(scalar);
      }
    }
    return values;
  }

  /**
   * Writes {@code value} in place of the scalar and then as many line breaks as the scalar spanned,
   * indented to the column where the scalar ended, so that the following lines keep their numbers.
   */
  private static String replacement(
      ScalarToken scalar, String value, int[] source, Mark start, Mark end) {
    StringBuilder out = new StringBuilder();
    if (scalar.getStyle() == ScalarStyle.PLAIN && isPlainValue(value)) {
      out.append(value);
    } else {
      out.append(doubleQuoted(value));
    }
    int breaks = 0;
    for (int i = start.getIndex(); i < end.getIndex(); i++) {
      if (source[i] == '\n') {
        breaks++;
      }
    }
    if (breaks > 0) {
      out.append("\n".repeat(breaks)).append(" ".repeat(end.getColumn()));
    }
    return out.toString();
  }

  private static boolean isPlainValue(String value) {
    return PLAIN.matcher(value).matches();
  }

  private static String doubleQuoted(String value) {
    StringBuilder out = new StringBuilder("\"");
    value
        .codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                  if (c < 0x20 || c == 0x7f) {
                    out.append(String.format("\\x%02x", c));
                  } else {
                    out.appendCodePoint(c);
                  }
                }
              }
            });
    return out.append('"').toString();
  }
}
