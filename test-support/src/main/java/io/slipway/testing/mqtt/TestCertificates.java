package io.slipway.testing.mqtt;

import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Makes a throw-away CA and a server certificate it signs, valid for one day, for {@code 127.0.0.1}
 * and {@code localhost}, with {@code openssl} and P-256 keys. Stateless and thread-safe.
 */
final class TestCertificates {

  /** The CA certificate's file name, PEM. */
  static final String CA_CERTIFICATE = "ca.pem";

  /** The server certificate's file name, PEM. */
  static final String SERVER_CERTIFICATE = "server.pem";

  /** The server key's file name, unencrypted PEM. */
  static final String SERVER_KEY = "server.key";

  private TestCertificates() {}

  /**
   * Writes the CA's and the server's certificate and key into {@code directory}, which it creates.
   *
   * @return the CA certificate's file
   * @throws IllegalStateException naming the openssl command and its output when one fails
   */
  static Path create(Path directory) throws IOException, InterruptedException {
    String openssl = RequiredTool.require("/usr/bin/openssl", "openssl").toString();
    Files.createDirectories(directory);
    String caKey = directory.resolve("ca.key").toString();
    String ca = directory.resolve(CA_CERTIFICATE).toString();
    String serverKey = directory.resolve(SERVER_KEY).toString();
    String request = directory.resolve("server.csr").toString();
    Path extensions = directory.resolve("server.ext");
    Files.writeString(
        extensions, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");

    Commands.run(openssl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", caKey);
    Commands.run(
        openssl,
        "req",
        "-x509",
        "-new",
        "-key",
        caKey,
        "-sha256",
        "-days",
        "1",
        "-subj",
        "/CN=Slipway test broker CA",
        "-out",
        ca);
    Commands.run(openssl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", serverKey);
    Commands.run(
        openssl, "req", "-new", "-key", serverKey, "-subj", "/CN=127.0.0.1", "-out", request);
    Commands.run(
        openssl,
        "x509",
        "-req",
        "-in",
        request,
        "-CA",
        ca,
        "-CAkey",
        caKey,
        "-CAcreateserial",
        "-sha256",
        "-days",
        "1",
        "-extfile",
        extensions.toString(),
        "-out",
        directory.resolve(SERVER_CERTIFICATE).toString());
    return Path.of(ca);
  }

  /**
   * Returns a TLS context whose only trusted certificate is the PEM file {@code caCertificate}.
   *
   * @throws IllegalStateException when the file cannot be read or parsed
   */
  static SSLContext trusting(Path caCertificate) {
    try (InputStream pem = Files.newInputStream(caCertificate)) {
      Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(pem);
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Loading the CA certificate " + caCertificate + " failed", e);
    }
  }
}
