package io.slipway.registry.http;

import io.slipway.registry.PullThrough;
import io.slipway.registry.blob.BlobService;
import io.slipway.registry.error.ErrorCode;
import io.slipway.registry.error.RegistryException;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.InvalidReferenceException;
import io.slipway.registry.reference.RepositoryName;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/** {@code GET}, {@code HEAD} and {@code DELETE} on {@code /v2/NAME/blobs/DIGEST}. */
final class BlobEndpoint {

  private static final int COPY_BUFFER_BYTES = 256 * 1024;

  private final BlobService blobs;
  private final PullThrough pullThrough;

  BlobEndpoint(BlobService blobs, PullThrough pullThrough) {
    this.blobs = blobs;
    this.pullThrough = pullThrough;
  }

  void get(
      HttpServletRequest request,
      HttpServletResponse response,
      RepositoryName repository,
      String reference,
      boolean head)
      throws IOException {
    Digest digest = digest(reference);
    if (pullThrough.mirrors(repository)) {
      pullThrough.ensureBlob(repository, digest);
    }
    long size = blobs.size(repository, digest);
    ByteRange range;
    try {
      range = ByteRange.parse(request.getHeader("Range"), size);
    } catch (ByteRange.UnsatisfiableRangeException e) {
      response.setHeader("Content-Range", "bytes */" + size);
      throw new RegistryException(
          ErrorCode.RANGE_NOT_SATISFIABLE, e.getMessage() + " for a blob of " + size + " bytes");
    }
    response.setHeader("Docker-Content-Digest", digest.toString());
    response.setHeader("ETag", "\"" + digest + "\"");
    response.setHeader("Accept-Ranges", "bytes");
    response.setContentType("application/octet-stream");
    long first = range == null ? 0 : range.first();
    long length = range == null ? size : range.length();
    if (range != null) {
      response.setStatus(206);
      response.setHeader(
          "Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
    } else {
      response.setStatus(200);
    }
    response.setContentLengthLong(length);
    if (head || length == 0) {
      return;
    }
    if (sendFile(request, digest, first, length)) {
      return;
    }
    try (InputStream in = blobs.open(digest, first, length);
        OutputStream out =
            new BufferedOutputStream(response.getOutputStream(), COPY_BUFFER_BYTES)) {
      // Closing the buffered stream flushes its last bytes, which a bare transferTo would leave
      // unsent.
      in.transferTo(out);
    }
  }

  /**
   * Hands the file to Tomcat's sendfile support when the storage keeps blobs in local files, so the
   * kernel copies the bytes without passing them through the JVM.
   */
  private boolean sendFile(HttpServletRequest request, Digest digest, long first, long length) {
    if (!Boolean.TRUE.equals(request.getAttribute("org.apache.tomcat.sendfile.support"))) {
      return false;
    }
    Optional<Path> file = blobs.localFile(digest);
    if (file.isEmpty()) {
      return false;
    }
    request.setAttribute(
        "org.apache.tomcat.sendfile.filename", file.get().toAbsolutePath().toString());
    request.setAttribute("org.apache.tomcat.sendfile.start", first);
    request.setAttribute("org.apache.tomcat.sendfile.end", first + length);
    return true;
  }

  void delete(HttpServletResponse response, RepositoryName repository, String reference) {
    blobs.delete(repository, digest(reference));
    response.setStatus(202);
  }

  static Digest digest(String reference) {
    try {
      return Digest.parse(reference);
    } catch (InvalidReferenceException e) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage());
    }
  }
}
