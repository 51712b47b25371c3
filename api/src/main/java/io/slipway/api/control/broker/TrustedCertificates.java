package io.slipway.api.control.broker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds TLS client contexts that trust a given set of certificates and nothing else, for clients
 * of a control broker whose certificate is self-signed or issued by a private CA. Stateless and
 * thread-safe.
 */
public final class TrustedCertificates {

  private TrustedCertificates() {}

  /**
   * Parses every X.509 certificate in {@code pem}, PEM text with one or more certificates.
   *
   * @throws GeneralSecurityException when the text contains no certificate or one cannot be parsed
   */
  public static Collection<? extends Certificate> parsePem(String pem)
      throws GeneralSecurityException {
    Collection<? extends Certificate> certificates =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    if (certificates.isEmpty()) {
      throw new GeneralSecurityException("no certificate in the PEM text");
    }
    return certificates;
  }

  /**
   * Returns a TLS context that trusts the certificates in {@code pem} alone.
   *
   * @throws GeneralSecurityException when the text contains no certificate or one cannot be parsed
   */
  public static SSLContext trustingPem(String pem) throws GeneralSecurityException {
    return trusting(parsePem(pem));
  }

  /** Returns a TLS context that trusts {@code certificate} alone. */
  static SSLContext trusting(Certificate certificate) throws GeneralSecurityException {
    return trusting(List.of(certificate));
  }

  /**
   * Returns a TLS context that trusts {@code certificates} alone, with no client certificate.
   *
   * @throws GeneralSecurityException when the JDK lacks PKCS12 or TLS support
   */
  public static SSLContext trusting(Collection<? extends Certificate> certificates)
      throws GeneralSecurityException {
    KeyStore store = emptyKeyStore();
    int index = 0;
    for (Certificate certificate : certificates) {
      store.setCertificateEntry("trusted-" + index++, certificate);
    }

    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static KeyStore emptyKeyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      // Loading without a stream only initialises an empty store, so this path does no I/O.
      throw new GeneralSecurityException("Cannot create an empty PKCS12 key store", e);
    }
    return store;
  }
}
