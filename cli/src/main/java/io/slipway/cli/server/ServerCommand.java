package io.slipway.cli.server;

import io.slipway.api.SlipwayServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway server}: runs the Slipway server in the foreground until it is stopped (SIGINT or
 * SIGTERM). Options become Spring Boot command-line arguments, which take precedence over
 * properties files and environment variables.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the Slipway server (HTTP API under /api/v1/ and /device/v1/, registry under /v2/,"
          + " token endpoint under /auth/token) in the foreground until it receives SIGINT or"
          + " SIGTERM.",
      "Any Spring or slipway.* property can also be set as an environment variable, such as"
          + " SLIPWAY_REGISTRY_ANONYMOUS_PULL=true or SPRING_DATASOURCE_URL=jdbc:postgresql://..."
    })
public class ServerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Directory for the H2 database, blobs, keys, bootstrap-token and server.port."
              + " Default: slipway.data-dir, else ./data.")
  Path dataDirectory;

  /** Listener ports that follow {@code --port 0} to a free port unless a property sets them. */
  private static final List<String> FREE_PORT_FOLLOWERS =
      List.of("slipway.control.embedded.tls-port", "slipway.control.ssh.port");

  @Option(
      names = "--port",
      paramLabel = "N",
      description =
          "TCP port to listen on; 0 picks a free port. The port in use is written to"
              + " DIR/server.port. 0 also picks free ports for the control broker's TLS listener"
              + " and the SSH gateway (DIR/control-broker.port, DIR/ssh.port) unless --property"
              + " sets them. Default: server.port, else 8080.")
  Integer port;

  @Option(
      names = "--property",
      paramLabel = "KEY=VALUE",
      description =
          "Sets a Spring or slipway.* property, such as server.address=0.0.0.0 or"
              + " slipway.registry.public-url=https://slipway.example.org. Repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    String[] arguments = springArguments().toArray(String[]::new);
    CountDownLatch closed = new CountDownLatch(1);

    ConfigurableApplicationContext context = SlipwayServer.start(arguments);
    context.addApplicationListener(
        event -> {
          if (event instanceof ContextClosedEvent) {
            closed.countDown();
          }
        });
    if (context.isActive()) {
      closed.await();
    }
    return 0;
  }

  List<String> springArguments() {
    List<String> arguments = new ArrayList<>();
    if (dataDirectory != null) {
      arguments.add("--slipway.data-dir=" + dataDirectory.toAbsolutePath().normalize());
    }
    if (port != null) {
      if (port < 0 || port > 65535) {
        throw new ParameterException(
            spec.commandLine(),
            "Invalid value for --port: " + port + " is not a TCP port; use 0 to 65535");
      }
      arguments.add("--server.port=" + port);
    }
    if (port != null && port == 0) {
      // A server on a free port is usually one of several on the machine (scripts, tests): the
      // fixed defaults 8883 and 2222 of its other listeners would collide there.
      for (String key : FREE_PORT_FOLLOWERS) {
        if (!properties.containsKey(key)) {
          arguments.add("--" + key + "=0");
        }
      }
    }
    properties.forEach((key, value) -> arguments.add("--" + key + "=" + value));
    return arguments;
  }
}
