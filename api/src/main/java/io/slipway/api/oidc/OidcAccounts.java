package io.slipway.api.oidc;

import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import io.slipway.api.account.User;
import io.slipway.api.account.UserRepository;
import io.slipway.api.account.Username;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Finds the Slipway user a provider account signs in as, creating and linking one at the first
 * sign-in when the provider's settings allow it. Thread-safe: two first sign-ins of one account at
 * once end up with one user.
 */
@Component
class OidcAccounts {

  /** How many user names are tried before giving up on a crowded base name. */
  private static final int MAX_NAME_ATTEMPTS = 50;

  private static final Logger log = LoggerFactory.getLogger(OidcAccounts.class);

  private final OidcIdentityRepository links;
  private final UserRepository users;
  private final TransactionTemplate transactions;
  private final Clock clock;

  OidcAccounts(
      OidcIdentityRepository links,
      UserRepository users,
      TransactionTemplate transactions,
      Clock clock) {
    this.links = links;
    this.users = users;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * A user found or created for a provider account.
   *
   * @param user the user
   * @param created true when this sign-in created it
   */
  record Account(User user, boolean created) {}

  /**
   * Returns the user linked to the account named by {@code claims}, creating it when allowed.
   *
   * @throws ApiException {@code OIDC_USER_NOT_LINKED} when no user is linked and the provider does
   *     not create users; {@code USER_DISABLED} when the linked user is disabled
   */
  Account signIn(DiscoveredProvider provider, IDTokenClaimsSet claims) {
    String issuer = claims.getIssuer().getValue();
    String subject = claims.getSubject().getValue();

    Optional<User> linked = linkedUser(issuer, subject);
    if (linked.isPresent()) {
      links.touch(issuer, subject, clock.millis());
      return new Account(requireEnabled(linked.get()), false);
    }
    if (!provider.settings().autoCreateUsers()) {
      throw new ApiException(
          ErrorCode.OIDC_USER_NOT_LINKED,
          "No Slipway user is linked to account '"
              + subject
              + "' of OpenID provider '"
              + provider.id()
              + "', and the provider does not create users: set slipway.oidc.providers."
              + provider.id()
              + ".auto-create-users=true, or sign in another way");
    }
    return create(provider, claims, issuer, subject);
  }

  private Optional<User> linkedUser(String issuer, String subject) {
    return links.findUserId(issuer, subject).flatMap(users::findById);
  }

  private Account create(
      DiscoveredProvider provider, IDTokenClaimsSet claims, String issuer, String subject) {
    String base =
        UsernameCandidates.base(
            claims.getStringClaim("preferred_username"), claims.getStringClaim("email"));
    String email = verifiedEmail(claims);
    for (int attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      String username = new Username(UsernameCandidates.candidate(base, attempt)).value();
      if (users.findByUsername(username).isPresent()) {
        continue;
      }
      try {
        long userId = insertAndLink(provider.id(), issuer, subject, username, email);
        log.info(
            "Created user {} for account {} of OpenID provider {}",
            username,
            subject,
            provider.id());
        return new Account(users.findById(userId).orElseThrow(), true);
      } catch (DuplicateKeyException e) {
        // Either the name was taken meanwhile (try the next) or a parallel first sign-in of the
        // same account linked it first (use that user).
        Optional<User> linked = linkedUser(issuer, subject);
        if (linked.isPresent()) {
          return new Account(requireEnabled(linked.get()), false);
        }
      }
    }
    throw new ApiException(
        ErrorCode.USERNAME_TAKEN,
        "Every user name from '"
            + base
            + "' to '"
            + UsernameCandidates.candidate(base, MAX_NAME_ATTEMPTS)
            + "' is taken: change the preferred user name at the provider");
  }

  private long insertAndLink(
      String provider, String issuer, String subject, String username, String email) {
    return transactions.execute(
        status -> {
          long now = clock.millis();
          long userId = users.insert(username, email, null, false, now);
          links.link(issuer, subject, userId, provider, now);
          return userId;
        });
  }

  private static String verifiedEmail(IDTokenClaimsSet claims) {
    Boolean verified = claims.getBooleanClaim("email_verified");
    return Boolean.TRUE.equals(verified) ? claims.getStringClaim("email") : null;
  }

  private static User requireEnabled(User user) {
    if (user.disabled()) {
      throw new ApiException(
          ErrorCode.USER_DISABLED,
          "User '" + user.username() + "' is disabled: ask a server administrator to enable it");
    }
    return user;
  }
}
