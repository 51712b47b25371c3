package io.slipway.cli.delta;

import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.builder.registry.RegistryException;
import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The blobs of one repository of a registry, for the delta code. Manifests and indexes come from
 * the registry's manifest endpoint, because registries serve them there and not as blobs: {@link
 * #manifest} fetches one and keeps its bytes, and {@link #open} then serves them by digest. Every
 * other digest is read as a blob. Thread-safe.
 */
final class RegistryImageContent implements ImageContent {

  private final RegistryClient client;
  private final String repository;
  private final Map<Digest, Manifest> manifests = new ConcurrentHashMap<>();

  RegistryImageContent(RegistryClient client, String repository) {
    this.client = Objects.requireNonNull(client, "client");
    this.repository = Objects.requireNonNull(repository, "repository");
  }

  /**
   * Fetches the manifest or index {@code reference} (a tag or digest), checked against the digest
   * when the reference is one, and keeps it for {@link #open}.
   *
   * @throws RegistryException with status 404 when it does not exist, or on any other failure
   */
  Manifest manifest(String reference) {
    Manifest manifest = client.getManifest(repository, reference);
    manifests.put(Digest.of(manifest.digest()), manifest);
    return manifest;
  }

  @Override
  public InputStream open(Digest digest) throws IOException {
    Manifest manifest = manifests.get(digest);
    if (manifest != null) {
      return new ByteArrayInputStream(manifest.bytes());
    }
    try {
      return client.openBlob(repository, digest.value());
    } catch (RegistryException e) {
      if (e.status() == 404) {
        throw new NoSuchFileException(client.registry() + "/" + repository + "@" + digest);
      }
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return client.registry() + "/" + repository;
  }
}
