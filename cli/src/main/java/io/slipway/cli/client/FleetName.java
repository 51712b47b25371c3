package io.slipway.cli.client;

import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A fleet named as {@code ORG/FLEET}, such as {@code acme/sensors}. Immutable.
 *
 * @param organization the organization's slug
 * @param fleet the fleet's slug
 */
public record FleetName(String organization, String fleet) {

  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  /**
   * @throws IllegalArgumentException naming the slug when either is not a slug
   */
  public FleetName {
    requireSlug(organization, "Organization");
    requireSlug(fleet, "Fleet");
  }

  /**
   * Parses {@code ORG/FLEET}.
   *
   * @throws IllegalArgumentException naming {@code text} when it is not of that form
   */
  public static FleetName parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "Fleet '"
              + text
              + "' is not ORG/FLEET; name it with its organization, such as acme/sensors");
    }
    return new FleetName(text.substring(0, slash), text.substring(slash + 1));
  }

  /** Returns the API path of the fleet, {@code /api/v1/orgs/ORG/fleets/FLEET}. */
  public String path() {
    return "/api/v1/orgs/" + organization + "/fleets/" + fleet;
  }

  @Override
  public String toString() {
    return organization + "/" + fleet;
  }

  private static void requireSlug(String slug, String what) {
    if (slug == null || !SLUG.matcher(slug).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + slug
              + "' is not a slug; use lower-case letters, digits and '-', such as acme/sensors");
    }
  }

  /** Reads {@code --fleet ORG/FLEET}; a bad value is a usage error of the option. */
  public static final class Converter implements ITypeConverter<FleetName> {
    @Override
    public FleetName convert(String text) {
      try {
        return parse(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
