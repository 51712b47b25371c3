package io.slipway.api.control.terminal.ssh;

import io.slipway.api.account.UserRepository;
import io.slipway.api.account.sshkey.SshKeyRepository;
import io.slipway.api.config.DataDirectory;
import io.slipway.api.config.PrivateFiles;
import io.slipway.api.control.ControlProperties;
import io.slipway.api.control.terminal.TerminalSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The SSH gateway: an SSH server on {@code slipway.control.ssh.port} whose only use is {@code ssh
 * -t USER@SERVER DEVICE [SERVICE]}, which opens a terminal on the device. Logins are by public key
 * only, with a key the Slipway user registered. Port, agent and X11 forwarding, subsystems (SFTP)
 * and every other channel type are refused. Off when the port is -1 or the control channel is off.
 * The bound port is written to {@code DATA/ssh.port} while it runs; the host key lives in {@code
 * DATA/keys/ssh-host-key}. Starts and stops with the server.
 */
@Component
public class SshGateway implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SshGateway.class);

  private final ControlProperties properties;
  private final TerminalSessions sessions;
  private final SshKeyRepository keys;
  private final UserRepository users;
  private final Path hostKey;
  private final Path portFile;
  private volatile SshServer server;
  private volatile ExecutorService executor;

  public SshGateway(
      ControlProperties properties,
      TerminalSessions sessions,
      SshKeyRepository keys,
      UserRepository users,
      DataDirectory dataDirectory) {
    this.properties = properties;
    this.sessions = sessions;
    this.keys = keys;
    this.users = users;
    this.hostKey = dataDirectory.root().resolve("keys").resolve("ssh-host-key");
    this.portFile = dataDirectory.root().resolve("ssh.port");
  }

  /** Returns the port the gateway listens on, or empty while it is off. */
  public OptionalInt port() {
    SshServer running = server;
    return running == null ? OptionalInt.empty() : OptionalInt.of(running.getPort());
  }

  /** Returns the address the gateway binds to, from the settings. */
  public String bindAddress() {
    return properties.ssh().bindAddress();
  }

  @Override
  public synchronized void start() {
    if (!properties.enabled() || properties.ssh().port() < 0) {
      log.info(
          "SSH gateway off (control channel enabled: {}, port {})",
          properties.enabled(),
          properties.ssh().port());
      return;
    }
    executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "ssh-terminal");
              thread.setDaemon(true);
              return thread;
            });
    SshServer ssh = configure(SshServer.setUpDefaultServer());
    try {
      ssh.start();
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException(
          "Cannot start the SSH gateway on "
              + properties.ssh().bindAddress()
              + ":"
              + properties.ssh().port()
              + ": "
              + e.getMessage()
              + "; pick a free port with slipway.control.ssh.port or turn it off with -1",
          e);
    }
    server = ssh;
    writePortFile(ssh.getPort());
    log.info("SSH gateway listening on {}:{}", properties.ssh().bindAddress(), ssh.getPort());
  }

  @Override
  public synchronized void stop() {
    SshServer running = server;
    if (running == null) {
      return;
    }
    server = null;
    try {
      running.stop(true);
    } catch (IOException e) {
      log.warn("Stopping the SSH gateway failed: {}", e.getMessage());
    }
    executor.shutdownNow();
    deletePortFile();
    log.info("SSH gateway stopped");
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }

  private SshServer configure(SshServer ssh) {
    ssh.setHost(properties.ssh().bindAddress());
    ssh.setPort(properties.ssh().port());
    ssh.setKeyPairProvider(new SshHostKey(hostKey));

    ssh.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    ssh.setPublickeyAuthenticator(new SshKeyLogin(keys, users));
    ssh.setPasswordAuthenticator(null);
    ssh.setKeyboardInteractiveAuthenticator(null);
    ssh.setGSSAuthenticator(null);
    ssh.setHostBasedAuthenticator(null);

    ssh.setChannelFactories(List.of(ChannelSessionFactory.INSTANCE));
    ssh.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    ssh.setAgentFactory(null);
    ssh.setSubsystemFactories(List.of());

    ssh.setCommandFactory(
        (channel, command) -> new DeviceShellCommand(command, sessions, executor, usage()));
    ssh.setShellFactory(channel -> new DeviceShellCommand(null, sessions, executor, usage()));
    return ssh;
  }

  private String usage() {
    int port = server == null ? properties.ssh().port() : server.getPort();
    return "Usage: ssh -t -p " + port + " USER@HOST DEVICE_UUID [SERVICE]";
  }

  private void writePortFile(int port) {
    try {
      PrivateFiles.writePublic(portFile, (port + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      log.warn("Cannot write the SSH gateway's port to {}: {}", portFile, e.getMessage());
    }
  }

  private void deletePortFile() {
    try {
      Files.deleteIfExists(portFile);
    } catch (IOException e) {
      log.warn("Cannot remove the SSH gateway's port file {}: {}", portFile, e.getMessage());
    }
  }
}
