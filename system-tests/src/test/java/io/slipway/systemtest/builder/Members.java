package io.slipway.systemtest.builder;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.systemtest.builder.BuildApi.Reply;
import io.slipway.systemtest.server.SlipwayStack;

/**
 * Makes people for tests as an administrator would: a user with a password, a role in an
 * organization, and an API token the user mints for themselves.
 */
public final class Members {

  private static final String PASSWORD = "correct horse battery staple 42";

  private Members() {}

  /**
   * Creates user {@code username}, gives them {@code role} in {@code organization}, signs them in
   * and returns an API token they created.
   *
   * @param admin an API client holding a server administrator's token
   */
  public static String tokenFor(
      SlipwayStack stack, BuildApi admin, String organization, String username, String role) {
    Reply created =
        admin.send(
            "POST",
            "/api/v1/users",
            "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    Reply member =
        admin.send(
            "PUT",
            "/api/v1/orgs/" + organization + "/members/" + username,
            "{\"role\":\"" + role + "\"}");
    assertThat(member.status()).as(member.text()).isBetween(200, 201);

    return signInAndMintToken(stack, username);
  }

  /**
   * Creates server administrator {@code username}, a member of no organization, signs them in and
   * returns an API token they created.
   *
   * @param admin an API client holding a server administrator's token
   */
  public static String serverAdministratorToken(
      SlipwayStack stack, BuildApi admin, String username) {
    Reply created =
        admin.send(
            "POST",
            "/api/v1/users",
            "{\"username\":\""
                + username
                + "\",\"password\":\""
                + PASSWORD
                + "\",\"serverAdmin\":true}");
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    return signInAndMintToken(stack, username);
  }

  private static String signInAndMintToken(SlipwayStack stack, String username) {
    BuildApi anonymous = new BuildApi(stack, "");
    Reply login =
        anonymous.send(
            "POST",
            "/api/v1/auth/login",
            "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}");
    assertThat(login.status()).as(login.text()).isEqualTo(200);
    BuildApi session = new BuildApi(stack, login.json().path("token").asText());
    Reply token = session.send("POST", "/api/v1/user/api-tokens", "{\"name\":\"tests\"}");
    assertThat(token.status()).as(token.text()).isEqualTo(201);
    return token.json().path("token").asText();
  }
}
