package io.slipway.api.signing;

import io.slipway.api.config.DataDirectory;
import io.slipway.api.config.PrivateFiles;
import io.slipway.signing.keystore.FileKeyStore;
import io.slipway.signing.keystore.MasterKey;
import io.slipway.signing.keystore.SigningKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Provides the server's {@link SigningKeyStore}: a {@link FileKeyStore} in {@code
 * DATA_DIR/keys/signing/}, whose private keys are encrypted with the master key of {@code
 * slipway.signing.master-key} or of {@code DATA_DIR/keys/signing-master.key}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SigningProperties.class)
class SigningConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SigningConfiguration.class);

  /**
   * Opens the key store, creating its directory (mode 0700) and, when no master key is configured,
   * the master key file (mode 0600) on the first start. {@link FirstSigningKey} fills an empty
   * store once the database is ready.
   */
  @Bean
  SigningKeyStore signingKeyStore(
      DataDirectory dataDirectory, SigningProperties properties, Clock clock) {
    Path keys = keysDirectory(dataDirectory);
    MasterKey masterKey = masterKey(keys, properties);
    Path directory = keys.resolve("signing");
    createPrivateDirectory(directory);

    SigningKeyStore store = FileKeyStore.open(directory, masterKey, clock);
    log.info("Opened the signing key store {} with {} keys", directory, store.keys().size());
    return store;
  }

  private static MasterKey masterKey(Path keys, SigningProperties properties) {
    if (properties.masterKey() != null) {
      log.info("Signing master key: taken from slipway.signing.master-key");
      return MasterKey.fromBase64(properties.masterKey());
    }
    Path file = keys.resolve("signing-master.key");
    createPrivateDirectory(keys);
    MasterKey masterKey = MasterKey.readOrCreate(file);
    log.info("Signing master key: {}", file);
    return masterKey;
  }

  private static Path keysDirectory(DataDirectory dataDirectory) {
    return dataDirectory.root().resolve("keys");
  }

  private static void createPrivateDirectory(Path directory) {
    try {
      PrivateFiles.createPrivateDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the signing key directory "
              + directory
              + ": "
              + e.getMessage()
              + "; check the data directory's permissions",
          e);
    }
  }
}
