package io.slipway.api.account;

import io.slipway.api.account.totp.TotpSecretCipher;
import io.slipway.api.config.DataDirectory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Provides the password encoder and policy of accounts, and the key of TOTP secrets. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AccountProperties.class)
class AccountConfiguration {

  /**
   * Argon2id with Spring Security's current defaults: 16-byte salt, 32-byte hash, one lane, 16 MiB
   * of memory and two passes, about 30 ms per check on one core of a small server (an estimate).
   */
  @Bean
  PasswordEncoder passwordEncoder() {
    return Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
  }

  @Bean
  PasswordPolicy passwordPolicy() {
    return PasswordPolicy.standard();
  }

  /**
   * Loads or creates the key that encrypts TOTP secrets, in {@code DATA_DIR/keys/totp-secrets.key}.
   */
  @Bean
  TotpSecretCipher totpSecretCipher(DataDirectory dataDirectory) {
    return TotpSecretCipher.loadOrGenerate(
        dataDirectory.root().resolve("keys").resolve("totp-secrets.key"));
  }
}
