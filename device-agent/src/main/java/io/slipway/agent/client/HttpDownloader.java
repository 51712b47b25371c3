package io.slipway.agent.client;

import io.slipway.agent.AgentException;
import io.slipway.agent.AgentFailure;
import io.slipway.delta.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Downloader} over {@link HttpClient}. Each attempt requests the bytes after those already
 * in the file; a {@code 206} is appended, a {@code 200} (a server that ignores ranges) replaces the
 * file. A cut connection, a stall longer than the read timeout, a timeout, a {@code 408}, {@code
 * 429} or {@code 5xx} is retried after a backoff with full jitter; the count of attempts resets
 * whenever an attempt brought new bytes, so a slow link that keeps getting cut still finishes. The
 * finished file is forced to disk and its digest checked by reading it back, in a fixed-size
 * buffer. A body longer than the expected size, or a finished file with another digest, fails as
 * {@code VERIFICATION_FAILED} without a retry.
 *
 * <p>Thread-safe: calls share only the {@link HttpClient}.
 */
public final class HttpDownloader implements Downloader {

  private static final Logger log = LoggerFactory.getLogger(HttpDownloader.class);

  private static final int BUFFER_SIZE = 64 * 1024;

  private final HttpClient client;
  private final Settings settings;

  /**
   * Retry and timeout settings of a download.
   *
   * @param maxAttemptsWithoutProgress attempts in a row that bring no new byte before the download
   *     fails; at least 1
   * @param baseBackoff the cap of the first wait between attempts
   * @param maxBackoff the largest cap of a wait
   * @param timeout how long to wait for the response's headers, and for each chunk of its body
   */
  public record Settings(
      int maxAttemptsWithoutProgress, Duration baseBackoff, Duration maxBackoff, Duration timeout) {

    /** Five attempts without progress, backoff from 1 to 30 seconds, 30 seconds of silence. */
    public static final Settings DEFAULT =
        new Settings(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));

    /**
     * @throws IllegalArgumentException naming the value out of range
     */
    public Settings {
      if (maxAttemptsWithoutProgress < 1) {
        throw new IllegalArgumentException(
            "maxAttemptsWithoutProgress " + maxAttemptsWithoutProgress + " is less than 1");
      }
      Objects.requireNonNull(baseBackoff, "baseBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout " + timeout + " is not a positive duration");
      }
    }
  }

  /** Creates a downloader with {@link Settings#DEFAULT}. */
  public HttpDownloader(HttpClient client) {
    this(client, Settings.DEFAULT);
  }

  public HttpDownloader(HttpClient client, Settings settings) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public void fetch(
      URI uri,
      Supplier<String> authorization,
      Path file,
      long size,
      Digest digest,
      LongConsumer progress)
      throws InterruptedException {
    if (size < 0) {
      throw new IllegalArgumentException("Expected size " + size + " of " + uri + " is negative");
    }
    Download download = new Download(uri, authorization, file, size, digest, progress);
    download.run();
  }

  /** One call's state: the file, the attempts and the backoff. */
  private final class Download {

    private final URI uri;
    private final Supplier<String> authorization;
    private final Path file;
    private final long size;
    private final Digest digest;
    private final LongConsumer progress;
    private final PollSchedule backoff;
    private boolean receivedBytes;

    Download(
        URI uri,
        Supplier<String> authorization,
        Path file,
        long size,
        Digest digest,
        LongConsumer progress) {
      this.uri = uri;
      this.authorization = authorization;
      this.file = file;
      this.size = size;
      this.digest = digest;
      this.progress = progress;
      // The schedule's interval is unused: only its backoff steps serve here.
      this.backoff =
          new PollSchedule(
              settings.maxBackoff(), settings.baseBackoff(), settings.maxBackoff(), new Random());
    }

    void run() throws InterruptedException {
      int attemptsWithoutProgress = 0;
      while (true) {
        long before = lengthOnDisk();
        if (before == size && finish()) {
          return;
        }
        String failure = attempt();
        if (failure == null) {
          continue;
        }
        if (lengthOnDisk() > before) {
          attemptsWithoutProgress = 0;
          backoff.reset();
        }
        attemptsWithoutProgress++;
        if (attemptsWithoutProgress >= settings.maxAttemptsWithoutProgress()) {
          throw new AgentException(
              AgentFailure.DOWNLOAD_FAILED,
              "Download of "
                  + digest
                  + " from "
                  + uri
                  + " failed "
                  + attemptsWithoutProgress
                  + " times without progress, last: "
                  + failure
                  + "; the partial file "
                  + file
                  + " is kept for the next try");
        }
        Duration wait = backoff.afterFailure();
        log.warn(
            "Download of {} from {} broke off at {} of {} bytes ({}); retrying in {} ms",
            digest,
            uri,
            lengthOnDisk(),
            size,
            failure,
            wait.toMillis());
        Thread.sleep(wait.toMillis());
      }
    }

    /**
     * Checks the complete file and returns true when its digest matches. A file that an earlier run
     * left is deleted on a mismatch and false returned, so that it is downloaded again.
     */
    private boolean finish() {
      if (size == 0) {
        createEmptyFile();
      }
      Digest actual = digestOfFile();
      if (actual.equals(digest)) {
        forceFile();
        return true;
      }
      deleteFile();
      if (!receivedBytes) {
        log.warn(
            "Partial download {} for {} had the wrong content; downloading it again", file, digest);
        return false;
      }
      throw new AgentException(
          AgentFailure.VERIFICATION_FAILED,
          "Download from "
              + uri
              + " has digest "
              + actual
              + ", not the expected "
              + digest
              + "; the file was deleted");
    }

    /** Runs one request; returns null when it ended normally, else what went wrong. */
    private String attempt() throws InterruptedException {
      long offset = lengthOnDisk();
      HttpResponse<InputStream> response;
      try {
        response = client.send(request(offset), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        return e.toString();
      }
      try (InputStream body = response.body()) {
        return receive(response, body, offset);
      } catch (IOException e) {
        return e.toString();
      }
    }

    private HttpRequest request(long offset) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(settings.timeout()).GET();
      String header = authorization == null ? null : authorization.get();
      if (header != null) {
        request.header("Authorization", header);
      }
      if (offset > 0) {
        request.header("Range", "bytes=" + offset + "-");
      }
      return request.build();
    }

    private String receive(HttpResponse<InputStream> response, InputStream body, long offset)
        throws IOException {
      int status = response.statusCode();
      if (status == 206 && rangeStart(response) == offset) {
        return copy(body, offset, true);
      }
      if (status == 200) {
        return copy(body, 0, false);
      }
      if (status == 206 || status == 416) {
        // The server sent another range than asked, or the file is longer than the object: start
        // over rather than guess.
        deleteFile();
        return "HTTP " + status + " for a range from byte " + offset;
      }
      byte[] error = body.readNBytes(4096);
      if (HttpFailures.retryable(status)) {
        return "HTTP " + status;
      }
      if (status == 401 || status == 403) {
        throw HttpFailures.ofStatus("GET " + uri.getPath(), status, error);
      }
      throw new AgentException(
          AgentFailure.DOWNLOAD_FAILED,
          HttpFailures.ofStatus("GET " + uri.getPath(), status, error).getMessage());
    }

    /** Copies the body into the file from {@code offset}; returns null once complete. */
    private String copy(InputStream body, long offset, boolean append) throws IOException {
      StallGuard guard = StallGuard.watch(body, settings.timeout());
      StandardOpenOption mode =
          append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
      try (FileChannel out =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
        long total = offset;
        byte[] buffer = new byte[BUFFER_SIZE];
        int read;
        while ((read = body.read(buffer)) > 0) {
          guard.touch();
          if (total + read > size) {
            throw tooLong();
          }
          writeFully(out, buffer, read);
          total += read;
          receivedBytes = true;
          progress.accept(total);
        }
        if (guard.stalled()) {
          return "no data for " + settings.timeout().toSeconds() + " s";
        }
        return total == size ? null : "connection closed at byte " + total + " of " + size;
      } finally {
        guard.close();
      }
    }

    private AgentException tooLong() {
      deleteFile();
      return new AgentException(
          AgentFailure.VERIFICATION_FAILED,
          "Download from "
              + uri
              + " sent more than the expected "
              + size
              + " bytes of "
              + digest
              + "; the file was deleted");
    }

    private long rangeStart(HttpResponse<?> response) {
      // Content-Range: bytes FIRST-LAST/SIZE
      String range = response.headers().firstValue("Content-Range").orElse("");
      if (!range.startsWith("bytes ") || range.indexOf('-') < 0) {
        return -1;
      }
      try {
        return Long.parseLong(range.substring("bytes ".length(), range.indexOf('-')).strip());
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    private long lengthOnDisk() {
      try {
        return Files.exists(file) ? Files.size(file) : 0;
      } catch (IOException e) {
        throw storeFailure("read the size of", e);
      }
    }

    private Digest digestOfFile() {
      MessageDigest sha256 = Digest.newSha256();
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[BUFFER_SIZE];
        int read;
        while ((read = in.read(buffer)) > 0) {
          sha256.update(buffer, 0, read);
        }
      } catch (IOException e) {
        throw storeFailure("read", e);
      }
      return Digest.fromHash(sha256.digest());
    }

    private void createEmptyFile() {
      try {
        if (!Files.exists(file)) {
          Files.createFile(file);
        }
      } catch (IOException e) {
        throw storeFailure("create", e);
      }
    }

    private void forceFile() {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.force(true);
      } catch (IOException e) {
        throw storeFailure("force to disk", e);
      }
    }

    private void deleteFile() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw storeFailure("delete", e);
      }
    }

    private AgentException storeFailure(String action, IOException e) {
      return new AgentException(
          AgentFailure.STORE_FAILED,
          "Could not " + action + " download file " + file + " of " + digest + ": " + e,
          e);
    }
  }

  private static void writeFully(FileChannel out, byte[] buffer, int length) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, length);
    while (bytes.hasRemaining()) {
      out.write(bytes);
    }
  }
}
