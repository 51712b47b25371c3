package io.slipway.signing.key;

import io.slipway.signing.Signer;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Signer} over a private key held in this process's memory. Immutable and thread-safe.
 * {@link #toString()} shows the hint only.
 */
public final class LocalSigner implements Signer {

  private final KeyAlgorithm algorithm;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final KeyHint hint;

  /**
   * @throws io.slipway.signing.SigningException when the key's algorithm is not supported
   */
  public LocalSigner(KeyPair pair) {
    Objects.requireNonNull(pair, "pair");
    this.publicKey = Objects.requireNonNull(pair.getPublic(), "public key");
    this.privateKey = Objects.requireNonNull(pair.getPrivate(), "private key");
    this.algorithm = KeyAlgorithm.of(publicKey);
    this.hint = KeyHint.of(publicKey);
  }

  /** Generates a new key of {@code algorithm} and returns its signer. */
  public static LocalSigner generate(KeyAlgorithm algorithm) {
    return new LocalSigner(algorithm.generate());
  }

  @Override
  public KeyAlgorithm algorithm() {
    return algorithm;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public KeyHint hint() {
    return hint;
  }

  @Override
  public byte[] sign(byte[] data) {
    return algorithm.sign(privateKey, data);
  }

  @Override
  public Optional<byte[]> signDigest(byte[] sha256) {
    if (!algorithm.signsDigests()) {
      return Optional.empty();
    }
    return Optional.of(algorithm.signDigest(privateKey, sha256));
  }

  @Override
  public String toString() {
    return "LocalSigner[" + algorithm + ", hint=" + hint + "]";
  }
}
