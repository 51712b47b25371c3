package io.slipway.osimage;

import java.util.regex.Pattern;

/**
 * The form of a base OS image's version, such as {@code 6.1.24+rev1}: 1 to {@value #MAX_LENGTH}
 * letters, digits, {@code . + _ -}, starting with a letter or digit. The server checks it on upload
 * and the CLI before it reads the file, so both share this rule. Versions appear in URL paths and
 * in the names of downloaded files, so nothing else is allowed. Thread-safe.
 */
public final class OsVersionFormat {

  /** Maximum length, in characters. */
  public static final int MAX_LENGTH = 64;

  /** The rule as a sentence for error messages, ending with an example. */
  public static final String DESCRIPTION =
      "use 1 to "
          + MAX_LENGTH
          + " letters, digits, '.', '+', '_' or '-', starting with a letter or digit, such as"
          + " 6.1.24+rev1";

  private static final Pattern FORM =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+_-]{0," + (MAX_LENGTH - 1) + "}");

  private OsVersionFormat() {}

  /** Returns whether {@code version} has the form of an OS version; false for null. */
  public static boolean isValid(String version) {
    return version != null && FORM.matcher(version).matches();
  }
}
