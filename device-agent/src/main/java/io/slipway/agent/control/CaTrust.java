package io.slipway.agent.control;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Makes the TLS socket factory for a broker whose certificate a given CA signed: an in-memory trust
 * store holds only the CA certificates of the PEM text, so no other CA is trusted. Stateless and
 * thread-safe.
 */
public final class CaTrust {

  private CaTrust() {}

  /**
   * Returns a TLS socket factory that trusts only the certificates in {@code pem}.
   *
   * @throws IllegalArgumentException when {@code pem} contains no certificate or one that cannot be
   *     read
   */
  public static SSLSocketFactory socketFactory(String pem) {
    try {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(
            "The control channel's CA certificate is invalid: it contains no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("ca-" + index++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "The control channel's CA certificate cannot be read: " + e.getMessage(), e);
    }
  }
}
