package io.slipway.api.delta;

import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryException;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Objects;

/**
 * The blobs of one image in a repository of this server's registry, read over its HTTP API. The
 * image's manifest is read from the manifest endpoint, every other digest from the blob endpoint.
 * Safe for concurrent use, as {@link RegistryClient} is.
 */
final class RegistryImageContent implements ImageContent {

  private final RegistryClient client;
  private final String repository;
  private final Digest manifest;

  RegistryImageContent(RegistryClient client, String repository, Digest manifest) {
    this.client = Objects.requireNonNull(client, "client");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.manifest = Objects.requireNonNull(manifest, "manifest");
  }

  /**
   * {@inheritDoc}
   *
   * @throws NoSuchFileException naming the repository and digest when the registry returns 404
   */
  @Override
  public InputStream open(Digest digest) throws IOException {
    try {
      if (digest.equals(manifest)) {
        return new ByteArrayInputStream(client.getManifest(repository, digest.value()).bytes());
      }
      return client.openBlob(repository, digest.value());
    } catch (RegistryException e) {
      if (e.status() == 404) {
        NoSuchFileException missing = new NoSuchFileException(repository + "@" + digest);
        missing.initCause(e);
        throw missing;
      }
      throw new IOException("Reading " + repository + "@" + digest + " failed: " + e, e);
    }
  }

  @Override
  public String toString() {
    return repository + "@" + manifest;
  }
}
