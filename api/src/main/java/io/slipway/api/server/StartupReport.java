package io.slipway.api.server;

import io.slipway.api.config.DataDirectory;
import io.slipway.api.config.SlipwayProperties;
import io.slipway.api.control.broker.ControlBroker;
import io.slipway.api.control.broker.EmbeddedBroker;
import io.slipway.api.control.terminal.ssh.SshGateway;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Logs one line with where the server listens and what it runs on, once it is ready. */
@Component
public class StartupReport {

  private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

  private final DataDirectory dataDirectory;
  private final SlipwayProperties properties;
  private final DataSource dataSource;
  private final Environment environment;
  private final ObjectProvider<ControlBroker> controlBroker;
  private final ObjectProvider<SshGateway> sshGateway;

  public StartupReport(
      DataDirectory dataDirectory,
      SlipwayProperties properties,
      DataSource dataSource,
      Environment environment,
      ObjectProvider<ControlBroker> controlBroker,
      ObjectProvider<SshGateway> sshGateway) {
    this.dataDirectory = dataDirectory;
    this.properties = properties;
    this.dataSource = dataSource;
    this.environment = environment;
    this.controlBroker = controlBroker;
    this.sshGateway = sshGateway;
  }

  @EventListener
  void onReady(ApplicationReadyEvent event) {
    int port =
        event.getApplicationContext() instanceof WebServerApplicationContext web
            ? web.getWebServer().getPort()
            : -1;
    log.info(
        "Slipway server listening on {}:{}, {} (data directory {}, storage {}, database {})",
        environment.getProperty("server.address", "0.0.0.0"),
        port,
        describeSshGateway(),
        dataDirectory.root(),
        properties.storage().type().name().toLowerCase(Locale.ROOT),
        describeDatabase());
    log.info("Control channel: {}", describeControlChannel());
  }

  private String describeControlChannel() {
    ControlBroker broker = controlBroker.getIfAvailable();
    if (broker == null) {
      return "off";
    }
    String devices = "devices connect to " + broker.deviceEndpoint().url();
    if (broker instanceof EmbeddedBroker embedded) {
      return devices
          + " (embedded broker, TLS port "
          + listener(embedded.tlsPort())
          + ", WebSocket port "
          + listener(embedded.websocketPort())
          + ")";
    }
    return devices + " (external broker)";
  }

  /** Returns {@code port} as text, or "off" for the negative port of a listener that is off. */
  static String listener(int port) {
    return port < 0 ? "off" : Integer.toString(port);
  }

  private String describeSshGateway() {
    SshGateway gateway = sshGateway.getIfAvailable();
    if (gateway == null || gateway.port().isEmpty()) {
      return "SSH gateway off";
    }
    return "SSH gateway on " + gateway.bindAddress() + ":" + gateway.port().getAsInt();
  }

  private String describeDatabase() {
    try (Connection connection = dataSource.getConnection()) {
      DatabaseMetaData metadata = connection.getMetaData();
      return metadata.getDatabaseProductName()
          + " "
          + metadata.getDatabaseProductVersion()
          + " at "
          + withoutParameters(metadata.getURL());
    } catch (SQLException e) {
      return "unreachable (" + e.getMessage() + ")";
    }
  }

  /** Drops URL parameters and user information, which may hold a password. */
  static String withoutParameters(String url) {
    if (url == null) {
      return "an unknown URL";
    }
    String base = url.split("[?;]", 2)[0];
    return base.replaceFirst("//[^/@]*@", "//");
  }
}
