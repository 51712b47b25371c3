package io.slipway.signing.keystore;

import io.slipway.signing.SigningException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AES-256 key that encrypts the private signing keys at rest, with AES-GCM. It comes from the
 * server's configuration (base64) or from a file that only the server's user can read. Immutable
 * and thread-safe; {@link #toString()} never shows the key.
 */
public final class MasterKey {

  /** The key length in bytes. */
  public static final int LENGTH = 32;

  /** The GCM nonce length in bytes; each encryption draws a fresh random nonce. */
  static final int NONCE_LENGTH = 12;

  private static final int TAG_BITS = 128;

  /**
   * Derives the keyring's authentication key from the master key, so that the AES key itself never
   * serves as an HMAC key too.
   */
  private static final byte[] KEYRING_MAC_LABEL =
      "slipway signing keyring authentication v1".getBytes(StandardCharsets.US_ASCII);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger log = LoggerFactory.getLogger(MasterKey.class);

  private final SecretKeySpec key;

  private MasterKey(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new SigningException(
          "A master key has " + LENGTH + " bytes; this one has " + bytes.length);
    }
    this.key = new SecretKeySpec(bytes, "AES");
  }

  /** Generates a master key from the platform's strong random source. */
  public static MasterKey generate() {
    byte[] bytes = new byte[LENGTH];
    RANDOM.nextBytes(bytes);
    return new MasterKey(bytes);
  }

  /**
   * Reads a master key written as standard base64 of 32 bytes, such as {@code openssl rand -base64
   * 32} prints. Surrounding white space is ignored.
   *
   * @throws SigningException when the text is not base64 of 32 bytes; the message never repeats it
   */
  public static MasterKey fromBase64(String text) {
    if (text == null || text.isBlank()) {
      throw new SigningException("The master key is empty; give 32 random bytes as base64");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new SigningException(
          "The master key is not valid base64; give 32 random bytes as base64, such as 'openssl"
              + " rand -base64 32' prints");
    }
    return new MasterKey(bytes);
  }

  /**
   * Reads the master key from {@code file}, or generates one and writes it there as base64 with
   * mode 0600 (directories created here get 0700) when the file does not exist. Logs a warning when
   * an existing file can be read by other users.
   *
   * @throws SigningException naming the file when it cannot be read, written or parsed
   */
  public static MasterKey readOrCreate(Path file) {
    try {
      return read(file);
    } catch (NoSuchFileException e) {
      return create(file);
    } catch (IOException e) {
      throw new SigningException("Cannot read the master key file " + file + ": " + e, e);
    }
  }

  private static MasterKey read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    if (DurableFiles.isExposed(file)) {
      log.warn(
          "Master key file {} can be read by other users; restrict it with 'chmod 600 {}'",
          file,
          file);
    }
    try {
      return fromBase64(text);
    } catch (SigningException e) {
      throw new SigningException("Master key file " + file + ": " + e.getMessage());
    }
  }

  private static MasterKey create(Path file) {
    MasterKey generated = generate();
    byte[] text = (generated.toBase64() + "\n").getBytes(StandardCharsets.US_ASCII);
    try {
      new DurableFiles(FileOperations.local()).replace(file, text);
    } catch (IOException e) {
      throw new SigningException("Cannot write the master key file " + file + ": " + e, e);
    }
    log.info("Generated a master key in {}", file);
    return generated;
  }

  /** Returns the key as base64, for writing it to a protected place. Treat it as a secret. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /**
   * Encrypts {@code plaintext}, binding it to {@code associatedData}.
   *
   * @return the random nonce followed by the ciphertext and its 16-byte tag
   */
  byte[] encrypt(byte[] plaintext, byte[] associatedData) {
    byte[] nonce = new byte[NONCE_LENGTH];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData);
      byte[] sealed = cipher.doFinal(plaintext);
      byte[] result = Arrays.copyOf(nonce, NONCE_LENGTH + sealed.length);
      System.arraycopy(sealed, 0, result, NONCE_LENGTH, sealed.length);
      return result;
    } catch (GeneralSecurityException e) {
      throw new SigningException("This Java runtime cannot encrypt with AES-256-GCM", e);
    }
  }

  /**
   * Decrypts what {@link #encrypt} returned for the same associated data.
   *
   * @throws AEADBadTagException when this key or the associated data differ from the encryption's,
   *     or the bytes were altered
   */
  byte[] decrypt(byte[] sealed, byte[] associatedData) throws AEADBadTagException {
    if (sealed.length < NONCE_LENGTH + TAG_BITS / 8) {
      throw new AEADBadTagException("the encrypted data is too short");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_LENGTH));
      cipher.updateAAD(associatedData);
      return cipher.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new SigningException("This Java runtime cannot decrypt with AES-256-GCM", e);
    }
  }

  /**
   * Returns the HMAC-SHA256 of {@code data} under a key derived from this master key, so that only
   * a holder of the master key can make a keyring that this store accepts.
   */
  byte[] authenticate(byte[] data) {
    return hmac(hmac(key.getEncoded(), KEYRING_MAC_LABEL), data);
  }

  private static byte[] hmac(byte[] secret, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new SigningException("This Java runtime cannot compute HMAC-SHA256", e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "MasterKey[AES-256, value hidden]";
  }
}
