package io.slipway.api.account.totp;

import io.slipway.api.config.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts TOTP secrets for the database with AES-256-GCM, so that a copy of the database alone
 * does not reveal them. The key is kept in a file of the data directory, outside the database. The
 * user id is authenticated with each secret, so a sealed secret copied to another user's row fails
 * to open. Stored form: {@code v1:} and the base64 of a 12-byte nonce followed by the ciphertext
 * and tag. Thread-safe; {@link #toString()} never shows the key.
 *
 * <p>NOTE: every server that shares one database needs the same key file. A server with another key
 * cannot check the codes of users who enrolled through the first one; copy the file to it.
 */
public final class TotpSecretCipher {

  /** Prefix of the stored form, so that a later format can be distinguished. */
  static final String PREFIX = "v1:";

  private static final Logger log = LoggerFactory.getLogger(TotpSecretCipher.class);
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final Path file;
  private final SecureRandom random = new SecureRandom();

  private TotpSecretCipher(byte[] key, Path file) {
    this.key = new SecretKeySpec(key, "AES");
    this.file = file;
  }

  /**
   * Loads the key from {@code file}, or generates one and writes it there (mode 0600, in a
   * directory created with mode 0700) when the file does not exist.
   *
   * @throws IllegalStateException naming the file when it cannot be read or written, or does not
   *     hold a 32-byte key in base64
   */
  public static TotpSecretCipher loadOrGenerate(Path file) {
    try {
      if (Files.exists(file)) {
        TotpSecretCipher cipher = new TotpSecretCipher(parse(file), file);
        if (PrivateFiles.isExposed(file)) {
          log.warn(
              "TOTP secret key {} is accessible to other users; run: chmod 600 {}", file, file);
        }
        log.info("Loaded the TOTP secret key from {}", file);
        return cipher;
      }
      byte[] key = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(key);
      String text = Base64.getEncoder().encodeToString(key) + "\n";
      PrivateFiles.writePrivate(file, text.getBytes(StandardCharsets.US_ASCII));
      log.info("Generated the TOTP secret key at {}", file);
      return new TotpSecretCipher(key, file);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read or write the TOTP secret key at "
              + file
              + ": "
              + e.getMessage()
              + "; check the data directory's permissions",
          e);
    }
  }

  /** Returns the stored form of the base32 {@code secret} of user {@code userId}. */
  public String seal(long userId, String secret) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed =
        run(Cipher.ENCRYPT_MODE, userId, nonce, secret.getBytes(StandardCharsets.US_ASCII));

    byte[] stored = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    return PREFIX + Base64.getEncoder().encodeToString(stored);
  }

  /**
   * Returns the base32 secret of user {@code userId} from its stored form.
   *
   * @throws IllegalStateException when the value was sealed with another key, for another user, or
   *     altered; the message names what to check
   */
  public String open(long userId, String stored) {
    byte[] bytes;
    try {
      if (!stored.startsWith(PREFIX)) {
        throw new IllegalArgumentException("no " + PREFIX + " prefix");
      }
      bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
      if (bytes.length <= NONCE_BYTES) {
        throw new IllegalArgumentException("too short");
      }
    } catch (IllegalArgumentException e) {
      throw unreadable(userId, e);
    }
    byte[] nonce = Arrays.copyOf(bytes, NONCE_BYTES);
    byte[] sealed = Arrays.copyOfRange(bytes, NONCE_BYTES, bytes.length);
    try {
      return new String(run(Cipher.DECRYPT_MODE, userId, nonce, sealed), StandardCharsets.US_ASCII);
    } catch (IllegalStateException e) {
      throw unreadable(userId, e);
    }
  }

  @Override
  public String toString() {
    return "TotpSecretCipher[" + file + "]";
  }

  private byte[] run(int mode, long userId, byte[] nonce, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(ByteBuffer.allocate(Long.BYTES).putLong(userId).array());
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed: " + e.getClass().getSimpleName(), e);
    }
  }

  private IllegalStateException unreadable(long userId, Exception cause) {
    return new IllegalStateException(
        "Cannot decrypt the TOTP secret of user id "
            + userId
            + " with the key at "
            + file
            + ": the database was written with another key file, or the value was altered;"
            + " restore the key file of the server that enrolled the user",
        cause);
  }

  private static byte[] parse(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      key = new byte[0];
    }
    if (key.length != KEY_BYTES) {
      throw new IllegalStateException(
          "Invalid TOTP secret key file "
              + file
              + ": it must hold 32 bytes in base64. Restore it from backup; a new key makes every"
              + " user re-enrol TOTP");
    }
    return key;
  }
}
