package io.slipway.systemtest.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP connections one process holds, read from Linux's {@code /proc} as {@code ss -tnp} finds
 * them: the socket inodes among the process's open files, matched against {@code /proc/net/tcp} and
 * {@code tcp6}. Sockets that listen are left out, and so are closed ones, which no process holds.
 * This lets a test check from outside that an agent opened no connection to the broker, whatever
 * the agent logs. Stateless and thread-safe.
 */
final class ProcessSockets {

  /** The state column's value of a listening socket. */
  private static final String LISTEN = "0A";

  private static final List<Path> TABLES =
      List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

  private ProcessSockets() {}

  /**
   * Returns the remote ports of the TCP connections process {@code pid} holds, connecting ones
   * included, in ascending order; empty when the process is gone.
   */
  static Set<Integer> remotePorts(long pid) {
    Set<String> inodes = socketInodes(pid);
    Set<Integer> ports = new TreeSet<>();
    for (Path table : TABLES) {
      for (String line : lines(table)) {
        String[] fields = line.strip().split("\\s+");
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        if (fields.length < 10 || fields[3].equals(LISTEN) || !inodes.contains(fields[9])) {
          continue;
        }
        String remote = fields[2];
        ports.add(Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16));
      }
    }
    return ports;
  }

  /** Whether process {@code pid} has a TCP connection to port {@code port}. */
  static boolean connectedTo(long pid, int port) {
    return remotePorts(pid).contains(port);
  }

  private static Set<String> socketInodes(long pid) {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of("/proc", pid + "", "fd"))) {
      for (Path file : files) {
        String target = readLink(file);
        if (target.startsWith("socket:[")) {
          inodes.add(target.substring("socket:[".length(), target.length() - 1));
        }
      }
    } catch (NoSuchFileException e) {
      return Set.of();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the open files of process " + pid, e);
    }
    return inodes;
  }

  private static String readLink(Path file) {
    try {
      return Files.readSymbolicLink(file).toString();
    } catch (IOException e) {
      // The file was closed between listing and reading it.
      return "";
    }
  }

  private static List<String> lines(Path table) {
    try {
      List<String> lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
      return lines.isEmpty() ? lines : lines.subList(1, lines.size());
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + table, e);
    }
  }
}
