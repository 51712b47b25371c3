package io.slipway.registry.http;

import io.slipway.registry.auth.AccessToken;
import io.slipway.registry.blob.BlobService;
import io.slipway.registry.error.ErrorCode;
import io.slipway.registry.error.RegistryException;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.InvalidReferenceException;
import io.slipway.registry.reference.RepositoryName;
import io.slipway.registry.upload.UploadService;
import io.slipway.registry.upload.UploadStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The upload endpoints under {@code /v2/NAME/blobs/uploads/}. */
final class UploadEndpoint {

  private static final Pattern CONTENT_RANGE =
      Pattern.compile("(?:bytes[ =])?(\\d+)-(\\d+)(?:/.*)?");

  private final UploadService uploads;
  private final BlobService blobs;

  UploadEndpoint(UploadService uploads, BlobService blobs) {
    this.uploads = uploads;
    this.blobs = blobs;
  }

  /** {@code POST}: a cross-repository mount, a monolithic upload, or a new session. */
  void start(
      HttpServletRequest request,
      HttpServletResponse response,
      RepositoryName repository,
      AccessToken token)
      throws IOException {
    String mount = request.getParameter("mount");
    String from = request.getParameter("from");
    if (mount != null && from != null && tryMount(response, repository, mount, from, token)) {
      return;
    }
    UploadStatus session = uploads.start(repository);
    String digest = request.getParameter("digest");
    if (digest != null) {
      long size =
          completeOrDiscard(
              repository,
              session.id(),
              BlobEndpoint.digest(digest),
              request.getInputStream(),
              declaredLength(request));
      created(response, repository, Digest.parse(digest), size);
      return;
    }
    accepted(response, session, 202);
  }

  /**
   * Completes a monolithic upload, deleting its session when that fails, as no URL was handed out.
   */
  private long completeOrDiscard(
      RepositoryName repository, String id, Digest digest, InputStream body, Long length) {
    try {
      return uploads.complete(repository, id, digest, body, length);
    } catch (RuntimeException e) {
      uploads.cleanUp(id);
      throw e;
    }
  }

  private boolean tryMount(
      HttpServletResponse response,
      RepositoryName repository,
      String mount,
      String from,
      AccessToken token) {
    RepositoryName source;
    Digest digest;
    try {
      source = new RepositoryName(from);
      digest = Digest.parse(mount);
    } catch (InvalidReferenceException e) {
      return false;
    }
    boolean mayRead = token != null && token.allows(source.value(), "pull");
    if (!mayRead || !blobs.mount(repository, source, digest)) {
      return false;
    }
    response.setStatus(201);
    response.setHeader("Location", "/v2/" + repository + "/blobs/" + digest);
    response.setHeader("Docker-Content-Digest", digest.toString());
    response.setContentLength(0);
    return true;
  }

  /**
   * {@code PATCH}: appends a chunk, at the offset its {@code Content-Range} names if it has one.
   */
  void patch(
      HttpServletRequest request,
      HttpServletResponse response,
      RepositoryName repository,
      String id)
      throws IOException {
    Long start = null;
    Long length = declaredLength(request);
    String contentRange = request.getHeader("Content-Range");
    if (contentRange != null) {
      Matcher matcher = CONTENT_RANGE.matcher(contentRange.trim());
      if (!matcher.matches()) {
        throw rangeInvalid(
            repository, id, "Content-Range '" + contentRange + "' is not 'START-END'");
      }
      long end;
      try {
        start = Long.parseLong(matcher.group(1));
        end = Long.parseLong(matcher.group(2));
      } catch (NumberFormatException e) {
        throw rangeInvalid(repository, id, "Content-Range '" + contentRange + "' is out of range");
      }
      if (end < start) {
        throw rangeInvalid(
            repository, id, "Content-Range '" + contentRange + "' ends before it starts");
      }
      if (end == Long.MAX_VALUE) {
        throw rangeInvalid(repository, id, "Content-Range '" + contentRange + "' is out of range");
      }
      long rangeLength = end - start + 1;
      if (length != null && length != rangeLength) {
        throw rangeInvalid(
            repository,
            id,
            "Content-Range '"
                + contentRange
                + "' spans "
                + rangeLength
                + " bytes but Content-Length is "
                + length);
      }
      length = rangeLength;
    }
    UploadStatus status = uploads.append(repository, id, request.getInputStream(), start, length);
    accepted(response, status, 202);
  }

  private RegistryException rangeInvalid(RepositoryName repository, String id, String message) {
    long offset = uploads.status(repository, id).offset();
    return new RegistryException(
        ErrorCode.RANGE_INVALID,
        message + "; upload " + id + " has " + offset + " bytes",
        java.util.Map.of("offset", offset));
  }

  /** {@code PUT}: appends an optional last chunk and completes the upload. */
  void complete(
      HttpServletRequest request,
      HttpServletResponse response,
      RepositoryName repository,
      String id)
      throws IOException {
    String digestParameter = request.getParameter("digest");
    if (digestParameter == null) {
      throw new RegistryException(
          ErrorCode.DIGEST_INVALID, "Completing upload " + id + " needs a '?digest=' parameter");
    }
    Digest digest = BlobEndpoint.digest(digestParameter);
    Long length = declaredLength(request);
    boolean hasBody = length == null || length > 0;
    long size =
        uploads.complete(repository, id, digest, hasBody ? request.getInputStream() : null, length);
    created(response, repository, digest, size);
  }

  /** {@code GET}: reports the session's offset, so a client can resume. */
  void status(HttpServletResponse response, RepositoryName repository, String id) {
    accepted(response, uploads.status(repository, id), 204);
  }

  /** {@code DELETE}: cancels the session. */
  void cancel(HttpServletResponse response, RepositoryName repository, String id) {
    uploads.cancel(repository, id);
    response.setStatus(204);
  }

  private static Long declaredLength(HttpServletRequest request) {
    long length = request.getContentLengthLong();
    return length < 0 ? null : length;
  }

  private static void accepted(HttpServletResponse response, UploadStatus status, int code) {
    response.setStatus(code);
    response.setHeader("Location", "/v2/" + status.repository() + "/blobs/uploads/" + status.id());
    response.setHeader("Docker-Upload-UUID", status.id());
    response.setHeader("Range", "0-" + Math.max(0, status.offset() - 1));
    response.setContentLength(0);
  }

  private static void created(
      HttpServletResponse response, RepositoryName repository, Digest digest, long size) {
    response.setStatus(201);
    response.setHeader("Location", "/v2/" + repository + "/blobs/" + digest);
    response.setHeader("Docker-Content-Digest", digest.toString());
    response.setContentLength(0);
  }
}
