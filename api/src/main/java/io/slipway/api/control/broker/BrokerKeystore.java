package io.slipway.api.control.broker;

import io.slipway.api.config.PrivateFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker's TLS key and certificate in a PKCS#12 file: either one the operator
 * configured, or a self-signed EC P-256 certificate that the server generates and keeps in {@code
 * DATA/keys/control-broker.p12} (mode 0600, with its password beside it in {@code
 * control-broker.p12.password}, also 0600). A generated certificate is made again when it lacks one
 * of the host names devices or the server use, or expires within 30 days. Immutable; {@link
 * #toString()} leaves the password out.
 *
 * @param file the PKCS#12 file
 * @param password the password of the file and of its key
 * @param certificate the broker's certificate, the first of the key's chain
 */
record BrokerKeystore(Path file, String password, X509Certificate certificate) {

  private static final Logger log = LoggerFactory.getLogger(BrokerKeystore.class);

  private static final String ALIAS = "control-broker";
  private static final Duration VALIDITY = Duration.ofDays(825);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Loads the operator's keystore.
   *
   * @throws ControlBrokerException naming {@code slipway.control.embedded.keystore} when the file
   *     cannot be read, the password is wrong or it contains no key
   */
  static BrokerKeystore load(Path file, String password) {
    try {
      KeyStore store = read(file, password);
      return new BrokerKeystore(file, password, firstKeyCertificate(store, file));
    } catch (IOException | GeneralSecurityException e) {
      throw new ControlBrokerException(
          "Cannot read slipway.control.embedded.keystore '"
              + file
              + "': "
              + e.getMessage()
              + ". Point it at a readable PKCS#12 file holding the broker's key and certificate,"
              + " with slipway.control.embedded.keystore-password as its password",
          e);
    }
  }

  /**
   * Loads the generated keystore at {@code file}, or generates it when it is missing, lacks one of
   * {@code hosts} or expires soon.
   *
   * @param hosts host names and IP addresses that the certificate must name
   * @throws ControlBrokerException when the files cannot be read or written
   */
  static BrokerKeystore loadOrGenerate(Path file, Collection<String> hosts) {
    Path passwordFile = file.resolveSibling(file.getFileName() + ".password");
    try {
      if (Files.exists(file) && Files.exists(passwordFile)) {
        String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        BrokerKeystore existing =
            new BrokerKeystore(file, password, readCertificate(file, password));
        if (existing.covers(hosts)) {
          return existing;
        }
        log.info("Making a new control broker certificate in {} for hosts {}", file, hosts);
      }
      return generate(file, passwordFile, hosts);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new ControlBrokerException(
          "Cannot read or generate the control broker's keystore "
              + file
              + ": "
              + e.getMessage()
              + ". Delete it and its .password file to have a new one generated, or set"
              + " slipway.control.embedded.keystore to your own PKCS#12 file",
          e);
    }
  }

  /** Returns the certificate in PEM form, for devices to trust. */
  String certificatePem() {
    try {
      Base64.Encoder encoder = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
      return "-----BEGIN CERTIFICATE-----\n"
          + encoder.encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new ControlBrokerException("Cannot encode the control broker's certificate", e);
    }
  }

  /** Returns a TLS context that trusts this certificate alone, for the server's own client. */
  SSLContext trustingContext() {
    try {
      return TrustedCertificates.trusting(certificate);
    } catch (GeneralSecurityException e) {
      throw new ControlBrokerException("Cannot build trust for the control broker", e);
    }
  }

  @Override
  public String toString() {
    return "BrokerKeystore[file="
        + file
        + ", subject="
        + certificate.getSubjectX500Principal()
        + "]";
  }

  private boolean covers(Collection<String> hosts) throws CertificateParsingException {
    Instant renewal = Instant.now().plus(RENEW_BEFORE);
    if (certificate.getNotAfter().toInstant().isBefore(renewal)) {
      return false;
    }
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    Set<String> named = new HashSet<>();
    for (List<?> name : names == null ? Collections.<List<?>>emptyList() : names) {
      named.add(String.valueOf(name.get(1)));
    }
    return named.containsAll(hosts);
  }

  private static BrokerKeystore generate(Path file, Path passwordFile, Collection<String> hosts)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    X509Certificate certificate = selfSigned(pair, hosts);

    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        ALIAS, pair.getPrivate(), password.toCharArray(), new X509Certificate[] {certificate});

    // The password goes first: a keystore without its password would be useless at next start.
    PrivateFiles.writePrivate(passwordFile, (password + "\n").getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.store(bytes, password.toCharArray());
    PrivateFiles.writePrivate(file, bytes.toByteArray());
    log.info("Generated the control broker's self-signed certificate {} for {}", file, hosts);
    return new BrokerKeystore(file, password, certificate);
  }

  private static X509Certificate selfSigned(KeyPair pair, Collection<String> hosts)
      throws CertIOException, OperatorCreationException, GeneralSecurityException {
    X500Name name = new X500Name("CN=Slipway control broker");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(128, RANDOM),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(VALIDITY)),
            name,
            pair.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    builder.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hosts));
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
  }

  private static GeneralNames alternativeNames(Collection<String> hosts) {
    GeneralName[] names =
        hosts.stream()
            .map(
                host ->
                    isIpAddress(host)
                        ? new GeneralName(GeneralName.iPAddress, host)
                        : new GeneralName(GeneralName.dNSName, host))
            .toArray(GeneralName[]::new);
    return new GeneralNames(names);
  }

  static boolean isIpAddress(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }

  private static X509Certificate readCertificate(Path file, String password)
      throws IOException, GeneralSecurityException {
    return firstKeyCertificate(read(file, password), file);
  }

  private static KeyStore read(Path file, String password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password == null ? null : password.toCharArray());
    }
    return store;
  }

  private static X509Certificate firstKeyCertificate(KeyStore store, Path file)
      throws GeneralSecurityException {
    for (String alias : Collections.list(store.aliases())) {
      if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException(file + " contains no private key with an X.509 certificate");
  }
}
