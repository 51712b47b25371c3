package io.slipway.api.build;

import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.fleet.Fleet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Set;

/**
 * Receives a build source: checks its media type, streams the body to a file with its own size cap
 * (never into memory) and extracts it safely. Stateless.
 */
final class SourceUpload {

  /** Media types of an uploaded source. */
  static final Set<String> MEDIA_TYPES =
      Set.of("application/x-tar", "application/tar", "application/gzip", "application/x-gzip");

  /** Maximum number of entries in an uploaded archive. */
  static final int MAX_ENTRIES = 100_000;

  private SourceUpload() {}

  /**
   * What was received.
   *
   * @param bytes size of the uploaded archive
   * @param entries number of archive entries extracted
   */
  record Received(long bytes, int entries) {}

  /**
   * Requires a media type of a tar or gzip-compressed tar stream.
   *
   * @throws ApiException {@code UNSUPPORTED_SOURCE_TYPE} naming the type sent
   */
  static void requireType(String contentType) {
    String type = contentType == null ? "" : baseType(contentType);
    if (!MEDIA_TYPES.contains(type)) {
      throw new ApiException(
          ErrorCode.UNSUPPORTED_SOURCE_TYPE,
          "Content-Type '"
              + (contentType == null ? "" : contentType)
              + "' is not a build source: send the project directory as a tar stream"
              + " (application/x-tar) or a gzip-compressed one (application/gzip)");
    }
  }

  /**
   * Streams the body into {@code incoming}'s archive file and extracts it into its source
   * directory.
   *
   * @throws ApiException {@code BUILD_SOURCE_TOO_LARGE}, {@code INVALID_BUILD_SOURCE} or {@code
   *     UNSAFE_BUILD_SOURCE}
   */
  static Received receive(
      BuildService.Upload upload,
      BuildDirectories.Incoming incoming,
      long maxBytes,
      SourceExtractor extractor,
      Fleet fleet) {
    if (upload.contentLength() > maxBytes) {
      throw tooLarge(upload.contentLength() + " bytes", maxBytes);
    }
    long bytes = store(upload.body(), incoming, maxBytes);
    try {
      int entries = extractor.extract(incoming.archive(), incoming.source());
      Files.deleteIfExists(incoming.archive());
      return new Received(bytes, entries);
    } catch (SourceArchiveException e) {
      throw new ApiException(
          e.unsafe() ? ErrorCode.UNSAFE_BUILD_SOURCE : ErrorCode.INVALID_BUILD_SOURCE,
          "Build source for fleet " + fleet.repositoryPrefix() + ": " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot extract the build source into " + incoming.source() + ": " + e.getMessage(), e);
    }
  }

  private static long store(InputStream body, BuildDirectories.Incoming incoming, long maxBytes) {
    byte[] buffer = new byte[65536];
    long total = 0;
    try (OutputStream out = Files.newOutputStream(incoming.archive())) {
      for (int n = read(body, buffer); n >= 0; n = read(body, buffer)) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge("more than " + maxBytes + " bytes", maxBytes);
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot store the build source in " + incoming.archive() + ": " + e.getMessage(), e);
    }
    if (total == 0) {
      throw new ApiException(
          ErrorCode.INVALID_BUILD_SOURCE,
          "The request body is empty: send the project directory as a tar stream");
    }
    return total;
  }

  /** Reads from the client; a broken upload is the client's error, not the server's. */
  private static int read(InputStream body, byte[] buffer) {
    try {
      return body.read(buffer);
    } catch (IOException e) {
      throw new ApiException(
          ErrorCode.INVALID_BUILD_SOURCE,
          "The upload of the build source broke off (" + e.getMessage() + "); send it again");
    }
  }

  private static ApiException tooLarge(String size, long maxBytes) {
    return new ApiException(
        ErrorCode.BUILD_SOURCE_TOO_LARGE,
        "The build source of "
            + size
            + " is larger than the limit of "
            + maxBytes
            + " bytes: leave out what the build does not need (.dockerignore does not shrink the"
            + " upload) or raise slipway.builder.max-source-size");
  }

  private static String baseType(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.strip().toLowerCase(Locale.ROOT);
  }
}
