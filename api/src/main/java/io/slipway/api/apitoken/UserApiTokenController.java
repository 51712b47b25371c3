package io.slipway.api.apitoken;

import io.slipway.api.account.CurrentUser;
import io.slipway.api.account.User;
import io.slipway.api.apitoken.ApiTokenRepository.TokenSummary;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.BearerSecret;
import io.slipway.api.identity.Identity;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's API tokens: named, optionally expiring secrets ({@code slw_...}) for tools, such as
 * {@code docker login} with the user name and the token as the password. A token is shown once at
 * creation; only its SHA-256 is stored.
 */
@RestController
class UserApiTokenController {

  private static final Logger log = LoggerFactory.getLogger(UserApiTokenController.class);
  private static final int MAX_NAME_LENGTH = 100;

  private final CurrentUser currentUser;
  private final ApiTokenRepository tokens;
  private final AuditLog auditLog;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  UserApiTokenController(
      CurrentUser currentUser, ApiTokenRepository tokens, AuditLog auditLog, Clock clock) {
    this.currentUser = currentUser;
    this.tokens = tokens;
    this.auditLog = auditLog;
    this.clock = clock;
  }

  /**
   * Body of {@code POST /api/v1/user/api-tokens}.
   *
   * @param expiresAt expiry in milliseconds since the epoch, or null for a token that never expires
   */
  record CreateToken(String name, Long expiresAt) {}

  /** A new token; {@code token} is the secret, shown only in this response. */
  record CreatedTokenBody(long id, String name, String token, long createdAt, Long expiresAt) {
    @Override
    public String toString() {
      return "CreatedTokenBody[id=" + id + ", name=" + name + ", token=****]";
    }
  }

  /** A token as listed, without its secret. */
  record TokenBody(
      long id, String name, long createdAt, Long expiresAt, Long lastUsedAt, boolean expired) {}

  @GetMapping("/api/v1/user/api-tokens")
  List<TokenBody> list(Identity who) {
    User user = currentUser.require(who);
    long now = clock.millis();
    return tokens.findActiveOfUser(user.id()).stream().map(t -> body(t, now)).toList();
  }

  @PostMapping("/api/v1/user/api-tokens")
  @ResponseStatus(HttpStatus.CREATED)
  @Transactional
  CreatedTokenBody create(Identity who, @RequestBody CreateToken body) {
    User user = currentUser.require(who);
    String name = validName(body.name());
    long now = clock.millis();
    if (body.expiresAt() != null && body.expiresAt() <= now) {
      throw new ApiException(
          ErrorCode.INVALID_EXPIRY,
          "Expiry "
              + body.expiresAt()
              + " is not in the future (now is "
              + now
              + " ms since the epoch): send a later 'expiresAt', or none for no expiry");
    }

    BearerSecret secret = BearerSecret.generate(BearerSecret.API_TOKEN, random);
    long id;
    try {
      id =
          tokens.insert(
              name, user.id(), user.username(), secret.sha256Hex(), now, body.expiresAt());
    } catch (DuplicateKeyException e) {
      throw new ApiException(
          ErrorCode.API_TOKEN_NAME_TAKEN,
          "User '"
              + user.username()
              + "' already has an API token named '"
              + name
              + "' (revoked ones keep their name): choose another name");
    }

    Map<String, Object> details = new HashMap<>();
    details.put("id", id);
    if (body.expiresAt() != null) {
      details.put("expiresAt", body.expiresAt());
    }
    auditLog.record(who, "api-token.created", "api-token", name, null, details);
    log.info("User '{}' created API token {} '{}'", user.username(), id, name);
    return new CreatedTokenBody(id, name, secret.value(), now, body.expiresAt());
  }

  @DeleteMapping("/api/v1/user/api-tokens/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Transactional
  void revoke(Identity who, @PathVariable long id) {
    User user = currentUser.require(who);
    String name =
        tokens
            .revoke(id, user.id(), clock.millis())
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.API_TOKEN_NOT_FOUND,
                        "User '"
                            + user.username()
                            + "' has no API token with id "
                            + id
                            + " that is not revoked; GET /api/v1/user/api-tokens lists them"));
    auditLog.record(who, "api-token.revoked", "api-token", name, null, Map.of("id", id));
    log.info("User '{}' revoked API token {} '{}'", user.username(), id, name);
  }

  private static TokenBody body(TokenSummary token, long now) {
    boolean expired = token.expiresAt() != null && token.expiresAt() <= now;
    return new TokenBody(
        token.id(),
        token.name(),
        token.createdAt(),
        token.expiresAt(),
        token.lastUsedAt(),
        expired);
  }

  private static String validName(String name) {
    if (name == null
        || name.isBlank()
        || name.length() > MAX_NAME_LENGTH
        || name.chars().anyMatch(Character::isISOControl)) {
      throw new ApiException(
          ErrorCode.INVALID_API_TOKEN_NAME,
          "Invalid API token name: send a 'name' of 1 to "
              + MAX_NAME_LENGTH
              + " characters without control characters, such as 'laptop docker'");
    }
    return name.strip();
  }
}
