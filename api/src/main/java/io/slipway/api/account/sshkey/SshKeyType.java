package io.slipway.api.account.sshkey;

import java.util.Arrays;
import java.util.Optional;

/**
 * The public key algorithms Slipway accepts, by their name in the OpenSSH format. DSA ({@code
 * ssh-dss}) is absent on purpose: OpenSSH itself dropped it as too weak.
 */
public enum SshKeyType {
  ED25519("ssh-ed25519", "ED25519", null),
  ECDSA_P256("ecdsa-sha2-nistp256", "ECDSA", "nistp256"),
  ECDSA_P384("ecdsa-sha2-nistp384", "ECDSA", "nistp384"),
  ECDSA_P521("ecdsa-sha2-nistp521", "ECDSA", "nistp521"),
  RSA("ssh-rsa", "RSA", null);

  private final String wireName;
  private final String label;
  private final String curve;

  SshKeyType(String wireName, String label, String curve) {
    this.wireName = wireName;
    this.label = label;
    this.curve = curve;
  }

  /** Returns the type with the OpenSSH name {@code wireName}, such as {@code ssh-ed25519}. */
  public static Optional<SshKeyType> fromWireName(String wireName) {
    return Arrays.stream(values()).filter(type -> type.wireName.equals(wireName)).findFirst();
  }

  /** Returns the name in the OpenSSH format and inside the key blob. */
  public String wireName() {
    return wireName;
  }

  /** Returns the name that {@code ssh-keygen -l} prints in parentheses, such as {@code ECDSA}. */
  public String label() {
    return label;
  }

  /**
   * Returns the SSH curve identifier of an ECDSA type, such as {@code nistp256}; null otherwise.
   */
  String curve() {
    return curve;
  }
}
