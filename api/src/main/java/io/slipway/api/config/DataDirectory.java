package io.slipway.api.config;

import java.nio.file.Path;

/**
 * The server's data directory and the layout below it:
 *
 * <pre>
 * DATA_DIR/
 *   db/slipway.mv.db                   H2 database (when no PostgreSQL URL is configured)
 *   blobs/                             filesystem blob store (when slipway.storage.type=filesystem)
 *   keys/registry-token-signing.pem    EC P-256 key that signs registry tokens (0600, dir 0700)
 *   keys/totp-secrets.key              AES key that encrypts users' TOTP secrets at rest (0600)
 *   keys/signing-master.key            AES key that encrypts the private signing keys at rest
 *                                      (0600), unless slipway.signing.master-key is set
 *   keys/signing/                      the signing key store: encrypted private keys and their
 *                                      rotation state
 *   builds/                            uploaded build sources and their extracted trees, kept
 *                                      while the build runs
 *   bootstrap-token                    first admin token, for the administrator to read and delete
 *   server.port                        TCP port the server listens on, while it runs
 *   keys/control-broker.p12            TLS key and self-signed certificate of the embedded control
 *                                      broker (0600), unless slipway.control.embedded.keystore is
 *                                      set, with its password in control-broker.p12.password (0600)
 *   control-broker/                    the embedded HiveMQ's config.xml (written at each start),
 *                                      data and extensions folders
 *   control-broker.port                TLS port of the embedded control broker, while it runs
 *   control-broker-ws.port             its WebSocket port, while that listener runs
 * </pre>
 *
 * @param root absolute, normalized path of the data directory
 */
public record DataDirectory(Path root) {

  /** The data directory when {@code slipway.data-dir} is unset. */
  public static final String DEFAULT = "./data";

  public DataDirectory {
    root = root.toAbsolutePath().normalize();
  }

  /** Resolves {@code configured} against the working directory. */
  public static DataDirectory of(String configured) {
    return new DataDirectory(Path.of(configured));
  }

  /** Returns the path prefix of the H2 database files, without the {@code .mv.db} suffix. */
  public Path h2Database() {
    return root.resolve("db").resolve("slipway");
  }

  public Path blobs() {
    return root.resolve("blobs");
  }

  public Path tokenSigningKey() {
    return root.resolve("keys").resolve("registry-token-signing.pem");
  }

  public Path bootstrapToken() {
    return root.resolve("bootstrap-token");
  }

  /** Returns the directory of uploaded build sources and their extracted trees. */
  public Path builds() {
    return root.resolve("builds");
  }

  public Path serverPort() {
    return root.resolve("server.port");
  }
}
