package io.slipway.agent.client;

import io.slipway.delta.image.Digest;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Downloads one object into a file, resuming after cuts. When the file exists it continues from its
 * length with {@code Range: bytes=N-}; a server that ignores the range (200) restarts it from zero.
 * After a connection drop or timeout it retries with exponential backoff and jitter, up to a
 * bounded number of attempts without progress. Memory stays bounded whatever the size.
 *
 * <p>Thread-safe; each call works on its own file.
 */
public interface Downloader {

  /**
   * Fetches {@code uri} into {@code file} and checks the result.
   *
   * @param authorization the {@code Authorization} header value, asked again before each attempt
   *     (tokens may expire between attempts); null for none
   * @param size the expected size in bytes
   * @param digest the expected digest
   * @param progress receives the total bytes on disk after each chunk
   * @throws io.slipway.agent.AgentException {@code VERIFICATION_FAILED} when the object is larger
   *     than {@code size} or the finished file has another digest (the file is then deleted, so
   *     that no caller uses it); {@code DOWNLOAD_FAILED} after too many attempts without progress,
   *     or when the server rejects the request; {@code UNAUTHORIZED} for 401 and 403
   * @throws InterruptedException when interrupted between attempts
   */
  void fetch(
      URI uri,
      Supplier<String> authorization,
      Path file,
      long size,
      Digest digest,
      LongConsumer progress)
      throws InterruptedException;
}
