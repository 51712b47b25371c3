package io.slipway.api.server;

import io.slipway.api.config.DataDirectory;
import io.slipway.api.config.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Writes the port the server listens on to {@code DATA_DIR/server.port} once the server is ready
 * (listening, with the bootstrap admin token written), so that scripts and tests can find a server
 * started with {@code --port 0}. The file is replaced atomically, so a reader never sees it half
 * written, and is removed at shutdown.
 */
@Component
public class ServerPortFile {

  private static final Logger log = LoggerFactory.getLogger(ServerPortFile.class);

  private final Path file;
  private volatile String written;

  public ServerPortFile(DataDirectory dataDirectory) {
    this.file = dataDirectory.serverPort();
  }

  @EventListener
  void onReady(ApplicationReadyEvent event) {
    if (!(event.getApplicationContext() instanceof WebServerApplicationContext web)) {
      return;
    }
    String content = web.getWebServer().getPort() + "\n";
    try {
      PrivateFiles.writePublic(file, content.getBytes(StandardCharsets.US_ASCII));
      written = content;
    } catch (IOException e) {
      log.warn(
          "Cannot write the server port to {}; scripts that read it will not find it", file, e);
    }
  }

  @EventListener
  void onClose(ContextClosedEvent event) {
    if (written == null) {
      return;
    }
    try {
      // Another server may have taken over this data directory and written its own port.
      if (Files.exists(file) && Files.readString(file).equals(written)) {
        Files.delete(file);
      }
    } catch (IOException e) {
      log.warn("Cannot remove the server port file {}", file, e);
    }
  }
}
