package io.slipway.agent.run;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock on {@code DATA/agent.lock} that keeps a second agent off a data directory. The operating
 * system drops it when the process dies, so a killed agent leaves no stale lock behind.
 *
 * <p>Not thread-safe; one agent holds one lock.
 */
final class DataDirectoryLock implements AutoCloseable {

  static final String FILE_NAME = "agent.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates the directory when missing and takes the lock.
   *
   * @throws AgentException {@code ALREADY_RUNNING} when another agent holds it; {@code
   *     INVALID_CONFIG} when the directory cannot be created or written
   */
  static DataDirectoryLock acquire(Path dataDirectory) {
    Path file = dataDirectory.resolve(FILE_NAME);
    FileChannel channel;
    try {
      Files.createDirectories(dataDirectory);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new AgentException(
          AgentFailure.INVALID_CONFIG,
          "Cannot open the lock file "
              + file
              + " ("
              + e.getMessage()
              + "): give the agent a data directory it can write",
          e);
    }
    FileLock lock = tryLock(channel);
    if (lock == null) {
      closeQuietly(channel);
      throw new AgentException(
          AgentFailure.ALREADY_RUNNING,
          "Another agent runs on the data directory "
              + dataDirectory
              + ": stop it, or give this one another --data-dir");
    }
    return new DataDirectoryLock(channel, lock);
  }

  private static FileLock tryLock(FileChannel channel) {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      // Another agent in this same JVM holds it.
      return null;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new AgentException(
          AgentFailure.INVALID_CONFIG, "Cannot lock " + FILE_NAME + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // Closing the channel below releases it as well.
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing is left to release.
    }
  }
}
