package io.slipway.agent.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.model.Frame;
import io.slipway.agent.terminal.BytePipe;
import io.slipway.agent.terminal.Terminal;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shell in a service's container: {@code docker exec} of {@code /bin/sh} with a TTY, attached to
 * its input and output. The engine makes the pseudo-terminal, so Ctrl-C and resizes work as on the
 * host. Thread-safety as {@link Terminal} states.
 */
final class ContainerShell implements Terminal {

  private static final Logger log = LoggerFactory.getLogger(ContainerShell.class);

  /** How long {@link #waitFor} polls the engine for the exit code after the output ended. */
  private static final long EXIT_WAIT_MILLIS = 5_000;

  private final DockerClient client;
  private final String execId;
  private final String service;
  private final BytePipe input = new BytePipe();
  private final BytePipe output = new BytePipe();
  private final ResultCallback.Adapter<Frame> attached;

  private ContainerShell(DockerClient client, String execId, String service) {
    this.client = client;
    this.execId = execId;
    this.service = service;
    this.attached = new Output(output);
  }

  /**
   * Starts {@code /bin/sh} in the container {@code containerId} with a terminal of {@code cols} by
   * {@code rows}.
   *
   * @throws RuntimeException from docker-java when the engine rejects the exec
   */
  static ContainerShell start(
      DockerClient client, String containerId, String service, int cols, int rows) {
    String execId =
        client
            .execCreateCmd(containerId)
            .withTty(true)
            .withAttachStdin(true)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .withEnv(List.of("TERM=xterm"))
            .withCmd("/bin/sh")
            .exec()
            .getId();
    ContainerShell shell = new ContainerShell(client, execId, service);
    client
        .execStartCmd(execId)
        .withTty(true)
        .withStdIn(shell.input.inputStream())
        .exec(shell.attached);
    log.info(
        "Started a shell (exec {}) in the container {} of service {}",
        execId,
        containerId,
        service);
    try {
      shell.resize(cols, rows);
    } catch (IOException | RuntimeException e) {
      // The engine accepts a resize only once the exec runs; the user's next resize corrects it.
      log.debug("Cannot set the size of exec {} yet: {}", execId, e.toString());
    }
    return shell;
  }

  @Override
  public int read(byte[] buffer) throws IOException {
    return output.read(buffer, 0, buffer.length);
  }

  @Override
  public void write(byte[] buffer, int length) throws IOException {
    input.write(buffer, length);
  }

  @Override
  public void resize(int cols, int rows) throws IOException {
    try {
      client.resizeExecCmd(execId).withSize(rows, cols).exec();
    } catch (RuntimeException e) {
      throw new IOException("Cannot resize exec " + execId + " of service " + service, e);
    }
  }

  @Override
  public int waitFor() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_WAIT_MILLIS);
    while (true) {
      InspectExecResponse exec = client.inspectExecCmd(execId).exec();
      boolean ended = !Boolean.TRUE.equals(exec.isRunning()) && exec.getExitCodeLong() != null;
      if (ended) {
        return exec.getExitCodeLong().intValue();
      }
      if (System.nanoTime() > deadline) {
        // NOTE: the output ended but the engine still reports the exec as running; -1 stands for
        // an unknown exit code.
        return -1;
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    input.close();
    output.close();
    try {
      attached.close();
    } catch (IOException e) {
      log.debug("Closing the stream of exec {} failed: {}", execId, e.toString());
    }
  }

  /** Copies the exec's output frames into the pipe, waiting while the pipe is full. */
  private static final class Output extends ResultCallback.Adapter<Frame> {

    private final BytePipe output;

    Output(BytePipe output) {
      this.output = output;
    }

    @Override
    public void onNext(Frame frame) {
      byte[] payload = frame.getPayload();
      try {
        output.write(payload, payload.length);
      } catch (IOException e) {
        // The session closed the pipe; the rest of the output has nowhere to go.
        log.debug("Dropped exec output after close: {}", e.toString());
      }
    }

    @Override
    public void onError(Throwable throwable) {
      log.debug("The exec's stream ended with {}", throwable.toString());
      output.close();
      super.onError(throwable);
    }

    @Override
    public void onComplete() {
      output.close();
      super.onComplete();
    }
  }
}
