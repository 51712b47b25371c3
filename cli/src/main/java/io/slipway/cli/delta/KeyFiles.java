package io.slipway.cli.delta;

import io.slipway.cli.CommandFailedException;
import io.slipway.cli.ExitCode;
import io.slipway.signing.SigningException;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.keystore.PublicKeyDerivation;
import io.slipway.signing.trust.TrustPolicy;
import io.slipway.signing.trust.TrustedKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;

/**
 * Reads the PEM key files of {@code slipway delta}: a private key that signs delta manifests, and a
 * public key that verifies them. Messages name the file, never key material. Stateless.
 */
final class KeyFiles {

  private KeyFiles() {}

  /**
   * Reads an unencrypted PKCS#8 {@code PRIVATE KEY} file of an ECDSA P-256 or Ed25519 key.
   *
   * @throws CommandFailedException exit code 2 naming the file when it is missing or not such a key
   */
  static LocalSigner signer(Path file) {
    String pem = read(file);
    try {
      PrivateKey privateKey = PemKeys.parsePrivateKey(pem);
      PublicKey publicKey = PublicKeyDerivation.of(privateKey);
      return new LocalSigner(new KeyPair(publicKey, privateKey));
    } catch (SigningException e) {
      throw new CommandFailedException(
          "Signing key " + file + " is invalid: " + e.getMessage(), ExitCode.USAGE);
    }
  }

  /**
   * Reads a {@code PUBLIC KEY} file and returns a policy that trusts only that key, at any signing
   * time: a key file carries no validity period.
   *
   * @throws CommandFailedException exit code 2 naming the file when it is missing or not such a key
   */
  static TrustPolicy trusting(Path file) {
    String pem = read(file);
    try {
      return TrustPolicy.of(TrustedKey.active(PemKeys.parsePublicKey(pem), Instant.EPOCH));
    } catch (SigningException | IllegalArgumentException e) {
      throw new CommandFailedException(
          "Trusted key " + file + " is invalid: " + e.getMessage(), ExitCode.USAGE);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new CommandFailedException("Key file " + file + " does not exist", ExitCode.USAGE);
    } catch (IOException e) {
      throw new CommandFailedException(
          "Key file " + file + " could not be read: " + e.getMessage(), ExitCode.USAGE);
    }
  }
}
