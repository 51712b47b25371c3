package io.slipway.api.account.sshkey;

import io.slipway.api.account.CurrentUser;
import io.slipway.api.account.User;
import io.slipway.api.account.sshkey.SshKeyRepository.StoredSshKey;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.Identity;
import java.time.Clock;
import java.util.List;
import java.util.Map;
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

/** The caller's SSH public keys: list, add, remove. */
@RestController
class SshKeyController {

  private static final int MAX_NAME_LENGTH = 255;

  private final CurrentUser currentUser;
  private final SshKeyRepository keys;
  private final AuditLog auditLog;
  private final Clock clock;

  SshKeyController(CurrentUser currentUser, SshKeyRepository keys, AuditLog auditLog, Clock clock) {
    this.currentUser = currentUser;
    this.keys = keys;
    this.auditLog = auditLog;
    this.clock = clock;
  }

  /**
   * Body of {@code POST /api/v1/user/ssh-keys}.
   *
   * @param name label of the key; the key's comment, or its fingerprint, when absent
   * @param publicKey one line in the OpenSSH format, as in {@code ~/.ssh/id_ed25519.pub}
   */
  record AddKey(String name, String publicKey) {}

  /**
   * A key as listed; {@code fingerprint} is what {@code ssh-keygen -lf} prints.
   *
   * @param type the OpenSSH key type, such as {@code ssh-ed25519}
   */
  record KeyBody(
      long id,
      String name,
      String type,
      int bits,
      String fingerprint,
      String publicKey,
      long createdAt) {

    static KeyBody of(StoredSshKey key) {
      return new KeyBody(
          key.id(),
          key.name(),
          key.keyType(),
          key.bits(),
          key.fingerprint(),
          key.publicKey(),
          key.createdAt());
    }
  }

  @GetMapping("/api/v1/user/ssh-keys")
  List<KeyBody> list(Identity who) {
    User user = currentUser.require(who);
    return keys.findByUser(user.id()).stream().map(KeyBody::of).toList();
  }

  @PostMapping("/api/v1/user/ssh-keys")
  @ResponseStatus(HttpStatus.CREATED)
  @Transactional
  KeyBody add(Identity who, @RequestBody AddKey body) {
    User user = currentUser.require(who);
    SshPublicKey key = parse(body.publicKey());
    String name = name(body.name(), key);

    long id;
    try {
      id = keys.insert(user.id(), name, key, clock.millis());
    } catch (DuplicateKeyException e) {
      // NOTE: this shows the caller that some account registered this public key. The message is
      // the same whether that account is the caller's or another, so it names no account. The SSH
      // gateway finds the user by the key's fingerprint, so registrations must stay unique.
      throw new ApiException(
          ErrorCode.SSH_KEY_EXISTS,
          "SSH key "
              + key.fingerprint()
              + " is registered already, to this or another account; generate a new key for"
              + " this account");
    }
    auditLog.record(
        who,
        "ssh-key.added",
        "ssh-key",
        key.fingerprint(),
        null,
        Map.of("user", user.username(), "type", key.type().wireName(), "bits", key.bits()));
    return KeyBody.of(keys.findOfUser(id, user.id()).orElseThrow());
  }

  @DeleteMapping("/api/v1/user/ssh-keys/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Transactional
  void remove(Identity who, @PathVariable long id) {
    User user = currentUser.require(who);
    StoredSshKey key =
        keys.findOfUser(id, user.id())
            .orElseThrow(
                () ->
                    new ApiException(
                        ErrorCode.SSH_KEY_NOT_FOUND,
                        "User '"
                            + user.username()
                            + "' has no SSH key with id "
                            + id
                            + "; GET /api/v1/user/ssh-keys lists them"));
    keys.delete(id, user.id());
    auditLog.record(
        who,
        "ssh-key.removed",
        "ssh-key",
        key.fingerprint(),
        null,
        Map.of("user", user.username()));
  }

  private static SshPublicKey parse(String line) {
    try {
      return SshPublicKey.parse(line);
    } catch (InvalidSshKeyException e) {
      ErrorCode code =
          switch (e.reason()) {
            case MALFORMED -> ErrorCode.INVALID_SSH_KEY;
            case UNSUPPORTED_TYPE -> ErrorCode.SSH_KEY_TYPE_NOT_ALLOWED;
            case TOO_WEAK -> ErrorCode.SSH_KEY_TOO_WEAK;
          };
      throw new ApiException(code, e.getMessage());
    }
  }

  private static String name(String requested, SshPublicKey key) {
    String name = requested == null || requested.isBlank() ? key.comment() : requested.strip();
    if (name.isEmpty()) {
      name = key.fingerprint();
    }
    if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
      throw new ApiException(
          ErrorCode.INVALID_REQUEST_BODY,
          "The SSH key name has control characters or more than "
              + MAX_NAME_LENGTH
              + " characters; send a shorter 'name'");
    }
    return name;
  }
}
