package io.slipway.registry.http;

import io.slipway.registry.PullThrough;
import io.slipway.registry.error.ErrorCode;
import io.slipway.registry.error.RegistryException;
import io.slipway.registry.manifest.ManifestService;
import io.slipway.registry.manifest.StoredManifest;
import io.slipway.registry.reference.RepositoryName;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/** {@code GET}, {@code HEAD}, {@code PUT} and {@code DELETE} on {@code /v2/NAME/manifests/REF}. */
final class ManifestEndpoint {

  private final ManifestService manifests;
  private final PullThrough pullThrough;
  private final long maxManifestBytes;

  ManifestEndpoint(ManifestService manifests, PullThrough pullThrough, long maxManifestBytes) {
    this.manifests = manifests;
    this.pullThrough = pullThrough;
    this.maxManifestBytes = maxManifestBytes;
  }

  void get(HttpServletResponse response, RepositoryName repository, String reference, boolean head)
      throws IOException {
    if (pullThrough.mirrors(repository)) {
      pullThrough.ensureManifest(repository, reference);
    }
    StoredManifest manifest = manifests.get(repository, reference);
    response.setStatus(200);
    response.setContentType(manifest.mediaType());
    response.setHeader("Docker-Content-Digest", manifest.digest().toString());
    response.setHeader("ETag", "\"" + manifest.digest() + "\"");
    response.setContentLength(manifest.content().length);
    if (!head) {
      response.getOutputStream().write(manifest.content());
    }
  }

  void put(
      HttpServletRequest request,
      HttpServletResponse response,
      RepositoryName repository,
      String reference)
      throws IOException {
    byte[] content = readBounded(request);
    ManifestService.PushResult result =
        manifests.put(repository, reference, content, request.getContentType());
    response.setStatus(201);
    response.setHeader("Location", "/v2/" + repository + "/manifests/" + result.digest());
    response.setHeader("Docker-Content-Digest", result.digest().toString());
    if (result.subject() != null) {
      response.setHeader("OCI-Subject", result.subject().toString());
    }
    response.setContentLength(0);
  }

  private byte[] readBounded(HttpServletRequest request) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxManifestBytes) {
      throw tooLarge(declared);
    }
    try (InputStream in = request.getInputStream()) {
      byte[] content = in.readNBytes((int) maxManifestBytes + 1);
      if (content.length > maxManifestBytes) {
        throw tooLarge(content.length);
      }
      return content;
    }
  }

  private RegistryException tooLarge(long size) {
    return new RegistryException(
        ErrorCode.TOO_LARGE,
        "Manifest of "
            + size
            + " bytes exceeds the limit of "
            + maxManifestBytes
            + " bytes; nothing was stored");
  }

  void delete(HttpServletResponse response, RepositoryName repository, String reference) {
    manifests.delete(repository, reference);
    response.setStatus(202);
  }
}
