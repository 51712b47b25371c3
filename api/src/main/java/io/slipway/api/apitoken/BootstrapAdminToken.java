package io.slipway.api.apitoken;

import io.slipway.api.account.UserRepository;
import io.slipway.api.config.DataDirectory;
import io.slipway.api.config.PrivateFiles;
import io.slipway.api.identity.Identity;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Creates the first admin token when the database contains no admin token at all: stores its hash,
 * writes the token to {@code DATA_DIR/bootstrap-token} (mode 0600) and prints it once, in a banner,
 * to standard output.
 *
 * <p>The token never passes through the logger, so no log appender or log file configured for
 * Slipway receives it. It does reach the console output once: standard output is also where Spring
 * Boot writes its console log, so when that output is redirected to a file ({@code slipway server >
 * server.log}) or kept by journald, that file or journal keeps the token. The banner therefore
 * instructs the administrator to read the token from {@code DATA_DIR/bootstrap-token}, store it
 * safely and delete the file.
 *
 * <p>NOTE: a revoked or expired admin token still counts as existing, so deleting every admin token
 * does not make the server issue a new one at the next start.
 */
@Component
public class BootstrapAdminToken implements ApplicationRunner {

  /** Name of the bootstrap token's row. */
  public static final String TOKEN_NAME = "bootstrap";

  private static final Logger log = LoggerFactory.getLogger(BootstrapAdminToken.class);

  private final ApiTokenRepository repository;
  private final UserRepository users;
  private final DataDirectory dataDirectory;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public BootstrapAdminToken(
      ApiTokenRepository repository,
      UserRepository users,
      DataDirectory dataDirectory,
      Clock clock) {
    this.repository = repository;
    this.users = users;
    this.dataDirectory = dataDirectory;
    this.clock = clock;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (repository.existsForSubject(Identity.ADMIN_SUBJECT)) {
      log.debug("An admin token exists; no bootstrap token is generated");
      return;
    }

    ApiTokenSecret token = ApiTokenSecret.generate(random);
    try {
      long adminId =
          users
              .findByUsername(Identity.ADMIN_SUBJECT)
              .orElseThrow(() -> new IllegalStateException("The migrations create user 'admin'"))
              .id();
      repository.insert(
          TOKEN_NAME, adminId, Identity.ADMIN_SUBJECT, token.sha256Hex(), clock.millis(), null);
    } catch (DuplicateKeyException e) {
      log.info("Another server sharing this database created the bootstrap admin token first");
      return;
    }

    Path file = dataDirectory.bootstrapToken();
    boolean written = writeTokenFile(token, file);
    printBanner(System.out, token, written ? file : null);
    log.info("Generated the bootstrap admin token and printed it to standard output");
  }

  private static boolean writeTokenFile(ApiTokenSecret token, Path file) {
    try {
      PrivateFiles.writePrivate(file, (token.value() + "\n").getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (IOException e) {
      log.warn(
          "Cannot write the bootstrap admin token to {}; copy it from standard output instead",
          file,
          e);
      return false;
    }
  }

  // Printed rather than logged: log appenders ship and keep their lines, and the token must not
  // be in them.
  private static void printBanner(PrintStream out, ApiTokenSecret token, Path file) {
    out.print(banner(token, file));
    out.flush();
  }

  /**
   * Returns the banner that shows {@code token} once, with what to do next.
   *
   * @param file where the token was written, or {@code null} when writing it failed
   */
  static String banner(ApiTokenSecret token, Path file) {
    String rule = "=".repeat(78);
    StringBuilder banner = new StringBuilder();
    banner.append('\n').append(rule).append('\n');
    banner.append("  Slipway bootstrap admin token (printed once):\n\n");
    banner.append("      ").append(token.value()).append("\n\n");
    banner.append("  Log in as user 'admin' with this token as the password, for example:\n");
    banner.append("      docker login -u admin --password-stdin HOST:PORT\n\n");
    if (file != null) {
      banner.append("  Read the token from ").append(file).append(" (mode 0600),\n");
      banner.append(
          "  store it safely, for example in a password manager, then delete the file.\n");
    } else {
      banner.append("  No copy could be written to the data directory: copy the token from\n");
      banner.append("  here and store it safely, for example in a password manager.\n");
    }
    banner.append("  This banner is on standard output, where the console log goes too: if\n");
    banner.append("  that output is redirected to a file or kept by journald, the token is\n");
    banner.append("  there as well, so protect or clean that copy.\n");
    banner.append(rule).append('\n');
    return banner.toString();
  }
}
