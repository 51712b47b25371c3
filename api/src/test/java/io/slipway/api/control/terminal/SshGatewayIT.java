package io.slipway.api.control.terminal;

import static io.slipway.api.fleet.ControlPlaneFixture.expect;
import static io.slipway.api.fleet.ControlPlaneFixture.newUuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.slipway.api.access.Role;
import io.slipway.api.control.terminal.FakeDevices.Behaviour;
import io.slipway.api.fleet.ControlPlaneFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH gateway with the OpenSSH client ({@code /usr/bin/ssh}) and MINA's client, against the
 * whole server and a device that dials its tunnel like the agent does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshGatewayIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private ControlPlaneFixture fixture;
  private Path data;
  private Path keys;
  private String device;
  private int sshPort;

  @BeforeAll
  void startServer(@TempDir Path dataDirectory, @TempDir Path keyDirectory) throws Exception {
    data = dataDirectory;
    keys = keyDirectory;
    fixture = TerminalServers.start(dataDirectory);
    sshPort = Integer.parseInt(Files.readString(dataDirectory.resolve("ssh.port")).strip());

    String provisioning = fixture.provisioningKey("acme", "alpha", "{\"name\":\"p\"}");
    device = newUuid();
    String deviceKey = fixture.registeredDevice(provisioning, device, "raspberrypi4-64");
    TerminalServers.devices(fixture).enroll(device, deviceKey, Behaviour.SHELL);

    String token = fixture.user("ops", "acme", Role.OPERATOR);
    generateKey("registered");
    register(token, Files.readString(keys.resolve("registered.pub")).strip());
    generateKey("unregistered");
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }

  @Test
  void sshGetsOutputAndExitCode() throws Exception {
    Result result = ssh("registered", "hello\nexit 3\n", device);

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).contains("got: hello");
  }

  @Test
  void unregisteredKeyIsRefused() throws Exception {
    Result result = ssh("unregistered", "", device);

    assertThat(result.exitCode()).isEqualTo(255);
    assertThat(result.stderr()).contains("Permission denied");
  }

  @Test
  void shellWithoutDevicePrintsUsage() throws Exception {
    Result result = ssh("registered", "");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("Usage: ssh -t -p " + sshPort);
  }

  @Test
  void unknownDeviceFailsWithOneLine() throws Exception {
    Result result = ssh("registered", "", newUuid());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("slipway: ");
  }

  @Test
  void sessionAuditRecordsClientAddress() throws Exception {
    ssh("registered", "exit 0\n", device);

    await().atMost(WAIT).until(() -> sourceAddresses("terminal.closed").contains("127.0.0.1"));
    assertThat(sourceAddresses("terminal.opened")).doesNotContainNull().contains("127.0.0.1");
  }

  @Test
  void newlineInDeviceIsRejected() throws Exception {
    Result result = ssh("registered", "", "'" + device + "\nforged log line'");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("is not a device UUID").doesNotContain("\nforged");
  }

  @Test
  void overlongCommandIsRejectedShortly() throws Exception {
    Result result = ssh("registered", "", "a".repeat(5000));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("5000 characters long").hasSizeLessThan(200);
  }

  @Test
  void invalidServiceEchoIsCut() throws Exception {
    Result result = ssh("registered", "", device, "x;" + "y".repeat(200));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("is not a service name").doesNotContain("y".repeat(41));
  }

  @Test
  void windowChangeBecomesResize() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("EC").generateKeyPair();
    register(
        fixture.user("ops-mina", "acme", Role.OPERATOR),
        PublicKeyEntry.toString(pair.getPublic()),
        "ops-mina");

    try (SshClient client = SshClient.setUpDefaultClient()) {
      client.start();
      try (ClientSession session =
          client.connect("ops-mina", "127.0.0.1", sshPort).verify(WAIT).getSession()) {
        session.addPublicKeyIdentity(pair);
        session.auth().verify(WAIT);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (ChannelExec channel = session.createExecChannel(device)) {
          channel.setUsePty(true);
          channel.setOut(output);
          channel.setErr(new ByteArrayOutputStream());
          channel.open().verify(WAIT);
          await().atMost(WAIT).until(() -> text(output).contains("ready"));

          channel.sendWindowChange(132, 50);

          await().atMost(WAIT).until(() -> text(output).contains("resized 132x50"));
          OutputStream in = channel.getInvertedIn();
          in.write("exit 0\n".getBytes(StandardCharsets.UTF_8));
          in.flush();
          channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
        }
      }
    }
  }

  @Test
  void hostKeyIsPrivate() throws IOException {
    Path hostKey = data.resolve("keys").resolve("ssh-host-key");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hostKey)))
        .isEqualTo("rw-------");
  }

  record Result(int exitCode, String stdout, String stderr) {}

  private Result ssh(String key, String input, String... command) throws Exception {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "/usr/bin/ssh",
                "-F",
                "/dev/null",
                "-tt",
                "-i",
                keys.resolve(key).toString(),
                "-p",
                Integer.toString(sshPort),
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "BatchMode=yes",
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "IdentityAgent=none",
                "-o",
                "LogLevel=ERROR",
                "ops@127.0.0.1"));
    arguments.addAll(List.of(command));
    Process process = new ProcessBuilder(arguments).start();
    process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread errors = new Thread(() -> copy(process, stderr, true));
    errors.start();
    copy(process, stdout, false);
    assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    errors.join(WAIT.toMillis());
    return new Result(process.exitValue(), text(stdout), text(stderr));
  }

  private List<String> sourceAddresses(String action) {
    return fixture
        .jdbc()
        .sql("SELECT source_address FROM audit_log WHERE action = ? ORDER BY id")
        .param(action)
        .query(String.class)
        .list();
  }

  private static void copy(Process process, ByteArrayOutputStream target, boolean errors) {
    try {
      byte[] bytes = (errors ? process.getErrorStream() : process.getInputStream()).readAllBytes();
      synchronized (target) {
        target.writeBytes(bytes);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String text(ByteArrayOutputStream output) {
    synchronized (output) {
      return output.toString(StandardCharsets.UTF_8);
    }
  }

  private void generateKey(String name) throws Exception {
    Process keygen =
        new ProcessBuilder(
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                name,
                "-f",
                keys.resolve(name).toString())
            .redirectErrorStream(true)
            .start();
    assertThat(keygen.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(keygen.exitValue()).isZero();
  }

  private void register(String token, String publicKey) {
    register(token, publicKey, "ops");
  }

  private void register(String token, String publicKey, String name) {
    expect(
        fixture.post(
            "/api/v1/user/ssh-keys",
            token,
            "{\"name\":\"" + name + "\",\"publicKey\":\"" + publicKey + "\"}"),
        201);
  }
}
