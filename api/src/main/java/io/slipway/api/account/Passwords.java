package io.slipway.api.account;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Checks new passwords against the {@link PasswordPolicy}, hashes them with Argon2id and verifies
 * them. Safe for concurrent use.
 */
@Service
public class Passwords {

  private final PasswordEncoder encoder;
  private final PasswordPolicy policy;

  // Verified when the user is unknown or has no password, so that the response time does not
  // tell whether a user name exists.
  private final String decoyHash;

  Passwords(PasswordEncoder encoder, PasswordPolicy policy) {
    this.encoder = encoder;
    this.policy = policy;
    this.decoyHash = encoder.encode("decoy password that matches no request");
  }

  /**
   * Returns the hash of {@code password} to store for {@code username}.
   *
   * @throws ApiException {@code WEAK_PASSWORD} naming the rule the password breaks
   */
  public String hashNew(String username, String password) {
    try {
      policy.check(username, password);
    } catch (WeakPasswordException e) {
      throw new ApiException(ErrorCode.WEAK_PASSWORD, e.getMessage());
    }
    return encoder.encode(password);
  }

  /**
   * Returns true when {@code password} matches {@code storedHash}. A null hash or password never
   * matches, and costs as much time as a real check.
   */
  public boolean matches(String password, String storedHash) {
    if (password == null || storedHash == null) {
      encoder.matches("decoy", decoyHash);
      return false;
    }
    return encoder.matches(password, storedHash);
  }
}
