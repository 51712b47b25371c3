package io.slipway.api.oidc;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Derives Slipway user names from a provider's claims about a new user, in the form {@link
 * io.slipway.api.account.Username} accepts: lower-case letters, digits, dots, underscores and
 * hyphens, starting and ending with a letter or digit, 2 to {@link #MAX_LENGTH} characters before a
 * numeric suffix. Stateless and thread-safe.
 */
final class UsernameCandidates {

  /** Maximum length of a base name, leaving room for a numeric suffix within 63 characters. */
  static final int MAX_LENGTH = 48;

  /** Base used when nothing usable remains of the provider's values. */
  static final String FALLBACK = "user";

  private UsernameCandidates() {}

  /**
   * Returns the base name for the first usable value: the preferred user name, then the part of the
   * email address before the {@code @}.
   *
   * @param preferredUsername the {@code preferred_username} claim, or null
   * @param email the {@code email} claim, or null
   */
  static String base(String preferredUsername, String email) {
    String fromPreferred = sanitize(preferredUsername);
    if (!fromPreferred.isEmpty()) {
      return fromPreferred;
    }
    String localPart = email == null ? null : email.substring(0, Math.max(0, email.indexOf('@')));
    String fromEmail = sanitize(localPart);
    return fromEmail.isEmpty() ? FALLBACK : fromEmail;
  }

  /**
   * Returns candidate number {@code attempt} for {@code base}: the base itself for 1, then {@code
   * base-2}, {@code base-3}, ...
   */
  static String candidate(String base, int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt " + attempt + " must be 1 or more");
    }
    return attempt == 1 ? base : base + "-" + attempt;
  }

  /**
   * Folds {@code value} to the allowed characters: accents are dropped, letters are lower-cased,
   * each run of other characters becomes one hyphen, and leading and trailing punctuation is cut.
   *
   * @return the folded name, empty when fewer than two usable characters remain
   */
  static String sanitize(String value) {
    if (value == null) {
      return "";
    }
    String plain =
        Normalizer.normalize(value, Normalizer.Form.NFKD)
            .replaceAll("\\p{M}", "")
            .toLowerCase(Locale.ROOT);
    String folded = plain.replaceAll("[^a-z0-9._-]+", "-");
    String trimmed = trimPunctuation(folded);
    if (trimmed.length() > MAX_LENGTH) {
      trimmed = trimPunctuation(trimmed.substring(0, MAX_LENGTH));
    }
    // A user name has at least two characters.
    return trimmed.length() < 2 ? "" : trimmed;
  }

  private static String trimPunctuation(String value) {
    return value.replaceAll("^[._-]+", "").replaceAll("[._-]+$", "");
  }
}
