package io.slipway.signing.keystore;

import io.slipway.signing.SigningException;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.AEADBadTagException;

/**
 * The layout of one private key's file: a format byte, then the master key's AES-256-GCM output
 * (12-byte nonce, ciphertext, 16-byte tag) over the key's PKCS#8 DER. The key's hint is the
 * associated data, so a file renamed to another key's name does not decrypt. Stateless.
 */
final class EncryptedKeyFile {

  /** The format byte of the layout above. */
  static final byte FORMAT = 1;

  /** The suffix of key files; the name before it is the key's URL-safe hint. */
  static final String SUFFIX = ".key";

  private EncryptedKeyFile() {}

  /** Returns the file name of the key with {@code hint}. */
  static String fileName(KeyHint hint) {
    return hint.urlSafe() + SUFFIX;
  }

  /** Returns the hint that the name of {@code file} stands for, when it is a key file's name. */
  static Optional<KeyHint> hintOf(Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(SUFFIX)) {
      return Optional.empty();
    }
    try {
      return Optional.of(KeyHint.fromUrlSafe(name.substring(0, name.length() - SUFFIX.length())));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Encrypts {@code privateKey} under {@code masterKey}. */
  static byte[] seal(MasterKey masterKey, KeyHint hint, PrivateKey privateKey) {
    byte[] der = privateKey.getEncoded();
    try {
      byte[] sealed = masterKey.encrypt(der, associatedData(hint));
      byte[] content = new byte[sealed.length + 1];
      content[0] = FORMAT;
      System.arraycopy(sealed, 0, content, 1, sealed.length);
      return content;
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  /**
   * Decrypts the content of {@code file}, the key with {@code hint}.
   *
   * @throws SigningException naming the hint and the file when the format is unknown, the master
   *     key differs, or the content was altered. The message never contains key material.
   */
  static PrivateKey open(
      MasterKey masterKey, KeyHint hint, KeyAlgorithm algorithm, byte[] content, Path file) {
    if (content.length == 0 || content[0] != FORMAT) {
      throw new SigningException(
          "Key file "
              + file
              + " of key "
              + hint
              + " has an unknown format"
              + (content.length == 0 ? " (it is empty)" : " (format byte " + content[0] + ")")
              + "; expected format "
              + FORMAT);
    }
    byte[] der;
    try {
      der = masterKey.decrypt(Arrays.copyOfRange(content, 1, content.length), associatedData(hint));
    } catch (AEADBadTagException e) {
      throw new SigningException(
          "Cannot decrypt key "
              + hint
              + ": the master key differs from the one it was encrypted with, or the file "
              + file
              + " was altered");
    }
    try {
      return KeyFactory.getInstance(algorithm.jcaKeyAlgorithm())
          .generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new SigningException(
          "Key file " + file + " decrypts to something other than a " + algorithm + " key");
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  private static byte[] associatedData(KeyHint hint) {
    return hint.value().getBytes(StandardCharsets.US_ASCII);
  }
}
