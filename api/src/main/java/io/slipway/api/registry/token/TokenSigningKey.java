package io.slipway.api.registry.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import io.slipway.api.config.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EC P-256 key pair that signs registry tokens, kept in one PEM file: a PKCS#8 {@code PRIVATE
 * KEY} block followed by an X.509 {@code PUBLIC KEY} block (Java cannot derive the public key from
 * the private one). {@code openssl pkey -in FILE} reads it.
 *
 * <p>Immutable; {@link #toString()} shows only the key id.
 */
public final class TokenSigningKey {

  private static final Logger log = LoggerFactory.getLogger(TokenSigningKey.class);

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private final ECPrivateKey privateKey;
  private final ECPublicKey publicKey;
  private final String keyId;

  private TokenSigningKey(ECPrivateKey privateKey, ECPublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = thumbprint(publicKey);
  }

  /**
   * Loads the key pair from {@code file}, or generates one and writes it there (mode 0600, in a
   * directory created with mode 0700) when the file does not exist.
   *
   * @throws IllegalStateException naming the file when it cannot be read, parsed or written, or
   *     contains no matching P-256 key pair
   */
  public static TokenSigningKey loadOrGenerate(Path file) {
    try {
      if (Files.exists(file)) {
        TokenSigningKey key = parse(Files.readString(file, StandardCharsets.US_ASCII), file);
        warnIfExposed(file);
        log.info("Loaded the registry token signing key {} from {}", key.keyId, file);
        return key;
      }
      TokenSigningKey key = generate();
      PrivateFiles.writePrivate(file, key.toPem().getBytes(StandardCharsets.US_ASCII));
      log.info("Generated the registry token signing key {} at {}", key.keyId, file);
      return key;
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read or write the registry token signing key at "
              + file
              + ": "
              + e.getMessage()
              + "; check the data directory's permissions",
          e);
    }
  }

  static TokenSigningKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      return new TokenSigningKey((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This Java runtime cannot generate EC P-256 keys", e);
    }
  }

  static TokenSigningKey parse(String pem, Path file) {
    byte[] privateBytes = null;
    byte[] publicBytes = null;
    Matcher block = PEM_BLOCK.matcher(pem);
    while (block.find()) {
      byte[] der = Base64.getMimeDecoder().decode(block.group(2));
      switch (block.group(1)) {
        case "PRIVATE KEY" -> privateBytes = der;
        case "PUBLIC KEY" -> publicBytes = der;
        default -> {}
      }
    }
    if (privateBytes == null || publicBytes == null) {
      throw invalidKeyFile(file, "it lacks a PRIVATE KEY or a PUBLIC KEY PEM block");
    }

    try {
      KeyFactory factory = KeyFactory.getInstance("EC");
      ECPrivateKey privateKey =
          (ECPrivateKey) factory.generatePrivate(new PKCS8EncodedKeySpec(privateBytes));
      ECPublicKey publicKey =
          (ECPublicKey) factory.generatePublic(new X509EncodedKeySpec(publicBytes));
      if (!Curve.P_256.equals(Curve.forECParameterSpec(publicKey.getParams()))) {
        throw invalidKeyFile(file, "its key is not on the P-256 curve");
      }
      checkPair(privateKey, publicKey, file);
      return new TokenSigningKey(privateKey, publicKey);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw invalidKeyFile(file, "its blocks are not an EC key pair (" + e.getMessage() + ")");
    }
  }

  private static void checkPair(ECPrivateKey privateKey, ECPublicKey publicKey, Path file)
      throws GeneralSecurityException {
    byte[] probe = "slipway-key-check".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(privateKey);
    signer.update(probe);
    byte[] signature = signer.sign();

    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(publicKey);
    verifier.update(probe);
    if (!verifier.verify(signature)) {
      throw invalidKeyFile(file, "its public key does not match its private key");
    }
  }

  private static IllegalStateException invalidKeyFile(Path file, String reason) {
    return new IllegalStateException(
        "Invalid registry token signing key file "
            + file
            + ": "
            + reason
            + ". Restore it from backup, or delete it to generate a new key (tokens issued"
            + " before then stop working)");
  }

  private static void warnIfExposed(Path file) throws IOException {
    if (PrivateFiles.isExposed(file)) {
      log.warn(
          "Registry token signing key {} is accessible to other users; run: chmod 600 {}",
          file,
          file);
    }
  }

  private static String thumbprint(ECPublicKey publicKey) {
    try {
      return new ECKey.Builder(Curve.P_256, publicKey).build().computeThumbprint().toString();
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot compute the thumbprint of a P-256 public key", e);
    }
  }

  String toPem() {
    return pemBlock("PRIVATE KEY", privateKey.getEncoded())
        + pemBlock("PUBLIC KEY", publicKey.getEncoded());
  }

  private static String pemBlock(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  public ECPrivateKey privateKey() {
    return privateKey;
  }

  public ECPublicKey publicKey() {
    return publicKey;
  }

  /** Returns the RFC 7638 thumbprint of the public key, sent as the {@code kid} of each token. */
  public String keyId() {
    return keyId;
  }

  @Override
  public String toString() {
    return "TokenSigningKey[kid=" + keyId + "]";
  }
}
