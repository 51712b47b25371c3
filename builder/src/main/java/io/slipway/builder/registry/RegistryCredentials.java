package io.slipway.builder.registry;

import java.util.Objects;

/**
 * The user name and secret with which the builder and its engines pull base images and push images,
 * exchanged for registry tokens by the registry's token endpoint. Short-lived and scoped to one
 * build's fleet. Immutable; {@link #toString} hides the secret.
 */
public record RegistryCredentials(String username, String password) {

  public RegistryCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "RegistryCredentials[username=" + username + ", password=<hidden>]";
  }
}
