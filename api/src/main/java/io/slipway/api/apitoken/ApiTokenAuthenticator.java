package io.slipway.api.apitoken;

import io.slipway.api.error.UnauthorizedException;
import io.slipway.api.identity.BasicCredentials;
import io.slipway.api.identity.Identity;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import org.springframework.stereotype.Service;

/**
 * Checks a user name and API token against the stored token hashes. Only the built-in {@code admin}
 * user exists for now. Safe for concurrent use.
 */
@Service
public class ApiTokenAuthenticator {

  private final ApiTokenRepository repository;
  private final Clock clock;

  public ApiTokenAuthenticator(ApiTokenRepository repository, Clock clock) {
    this.repository = repository;
    this.clock = clock;
  }

  /**
   * Returns the identity that {@code credentials} prove, and records the token's use.
   *
   * @throws UnauthorizedException naming the user when the user is unknown or no usable token of
   *     theirs matches; the message never contains the token
   */
  public Identity authenticate(BasicCredentials credentials) {
    String username = credentials.username();
    if (!Identity.ADMIN_SUBJECT.equals(username)) {
      throw invalidCredentials(username);
    }

    byte[] presented = ApiTokenSecret.sha256(credentials.password());
    long now = clock.millis();
    for (ApiTokenRepository.StoredApiToken token : repository.findUsable(username, now)) {
      // Compare in constant time so the response time reveals nothing about the stored hash.
      if (MessageDigest.isEqual(presented, HexFormat.of().parseHex(token.tokenHash()))) {
        repository.recordUse(token.id(), now);
        return Identity.admin();
      }
    }
    throw invalidCredentials(username);
  }

  private static UnauthorizedException invalidCredentials(String username) {
    if (!Identity.ADMIN_SUBJECT.equals(username)) {
      // The unknown name is not repeated: it may be a token sent in the wrong field.
      return new UnauthorizedException(
          "Invalid credentials: the user is unknown; log in as 'admin' with an API token as the"
              + " password");
    }
    return new UnauthorizedException(
        "Invalid credentials for user '"
            + username
            + "': check the user name and that the token is neither revoked nor expired");
  }
}
