package io.slipway.api.organization;

import java.util.Objects;

/**
 * An organization: the owner of fleets, with members in roles. Immutable.
 *
 * @param id row id
 * @param slug unique URL-safe name
 * @param name display name
 * @param createdAt creation time, milliseconds since the epoch
 */
public record Organization(long id, String slug, String name, long createdAt) {

  public Organization {
    Objects.requireNonNull(slug, "slug");
    Objects.requireNonNull(name, "name");
  }
}
