package io.slipway.api.control.terminal.ssh;

import io.slipway.api.account.User;
import io.slipway.api.account.UserRepository;
import io.slipway.api.account.sshkey.SshKeyRepository;
import io.slipway.api.identity.Identity;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts an SSH login when the key is one that the named Slipway user registered and the user is
 * not disabled. The key is found by its SHA-256 fingerprint, as stored with it. On success the
 * session carries the user's {@link Identity} under {@link #IDENTITY}. Thread-safe.
 */
final class SshKeyLogin implements PublickeyAuthenticator {

  /** The session attribute that holds the logged-in user. */
  static final AttributeKey<Identity> IDENTITY = new AttributeKey<>();

  private static final Logger log = LoggerFactory.getLogger(SshKeyLogin.class);

  private final SshKeyRepository keys;
  private final UserRepository users;

  SshKeyLogin(SshKeyRepository keys, UserRepository users) {
    this.keys = keys;
    this.users = users;
  }

  @Override
  public boolean authenticate(String username, PublicKey key, ServerSession session) {
    String fingerprint = KeyUtils.getFingerPrint(key);
    Optional<User> owner =
        keys.findByFingerprint(fingerprint).flatMap(stored -> users.findById(stored.userId()));
    if (owner.isEmpty() || !owner.get().username().equals(username)) {
      log.info(
          "SSH gateway refused key {} for user '{}' from {}: not one of the user's keys",
          fingerprint,
          username,
          session.getClientAddress());
      return false;
    }
    User user = owner.get();
    if (user.disabled()) {
      log.info("SSH gateway refused disabled user '{}'", username);
      return false;
    }
    session.setAttribute(
        IDENTITY,
        Identity.user(user.id(), user.username(), user.serverAdmin(), Identity.Credential.SSH_KEY));
    return true;
  }
}
