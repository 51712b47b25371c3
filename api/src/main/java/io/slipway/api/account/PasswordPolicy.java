package io.slipway.api.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The minimum strength rule for passwords: 12 to 256 characters, not the user name, not one
 * character repeated, and not on a built-in list of passwords that attackers try first. Length
 * counts Unicode code points, so a passphrase in any script is measured fairly. Immutable and
 * thread-safe.
 */
public final class PasswordPolicy {

  /** Minimum number of characters in a password. */
  public static final int MIN_LENGTH = 12;

  /** Most characters a password may have; longer ones only cost hashing time. */
  public static final int MAX_LENGTH = 256;

  private static final String COMMON_PASSWORDS = "common-passwords.txt";

  private final Set<String> common;

  private PasswordPolicy(Set<String> common) {
    this.common = common;
  }

  /** Returns the policy with the built-in list of common passwords. */
  public static PasswordPolicy standard() {
    return new PasswordPolicy(loadCommonPasswords());
  }

  /**
   * Checks {@code password} for the user {@code username}.
   *
   * @throws WeakPasswordException naming the rule the password breaks (never the password)
   */
  public void check(String username, String password) {
    if (password == null || password.isEmpty()) {
      throw new WeakPasswordException(
          "The password is empty: choose one of at least 12 characters");
    }
    int length = password.codePointCount(0, password.length());
    if (length < MIN_LENGTH) {
      throw new WeakPasswordException(
          "The password has "
              + length
              + " characters: choose one of at least "
              + MIN_LENGTH
              + ", for example a few unrelated words");
    }
    if (length > MAX_LENGTH) {
      throw new WeakPasswordException(
          "The password has " + length + " characters: choose one of at most " + MAX_LENGTH);
    }

    String lower = password.toLowerCase(Locale.ROOT);
    if (username != null && lower.equals(username.toLowerCase(Locale.ROOT))) {
      throw new WeakPasswordException(
          "Invalid password: it equals the user name '"
              + username
              + "'; choose one that cannot be guessed from it");
    }
    if (password.codePoints().distinct().count() == 1) {
      throw new WeakPasswordException(
          "The password repeats one character: choose one with some variety");
    }
    if (common.contains(lower)) {
      throw new WeakPasswordException(
          "The password is on the list of common passwords that attackers try first: choose"
              + " another");
    }
  }

  private static Set<String> loadCommonPasswords() {
    try (InputStream in = PasswordPolicy.class.getResourceAsStream(COMMON_PASSWORDS)) {
      if (in == null) {
        throw new IllegalStateException(
            "Resource " + COMMON_PASSWORDS + " is missing from the server's class path");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      return reader
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .map(line -> line.toLowerCase(Locale.ROOT))
          .collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + COMMON_PASSWORDS, e);
    }
  }
}
