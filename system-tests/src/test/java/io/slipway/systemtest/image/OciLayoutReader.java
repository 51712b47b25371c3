package io.slipway.systemtest.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads an OCI image layout that a client such as skopeo wrote, to compare it with what was pushed.
 */
public final class OciLayoutReader {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;

  public OciLayoutReader(Path directory) {
    this.directory = directory;
  }

  /**
   * Returns the digest that {@code tag} names in {@code index.json}.
   *
   * @throws AssertionError when the layout has no such tag
   */
  public String taggedDigest(String tag) {
    for (JsonNode entry : readJson(directory.resolve("index.json")).path("manifests")) {
      if (tag.equals(entry.path("annotations").path(OciLayoutBuilder.REF_NAME).asText())) {
        return entry.path("digest").asText();
      }
    }
    throw new AssertionError("The layout in " + directory + " has no tag '" + tag + "'");
  }

  /** Returns the digests of every blob reachable from {@code tag}, the top-level one first. */
  public Set<String> reachableDigests(String tag) {
    Set<String> digests = new LinkedHashSet<>();
    collect(taggedDigest(tag), digests);
    return digests;
  }

  /**
   * Returns the manifest that the manifest {@code digest} stands for: the digest in its {@code
   * io.slipway.delta.source-manifest} annotation, or {@code digest} itself without one.
   */
  public String signedManifest(String digest) {
    JsonNode source =
        readJson(blobPath(digest)).path("annotations").path("io.slipway.delta.source-manifest");
    return source.isTextual() ? source.asText() : digest;
  }

  /** Returns the media type that the manifest {@code digest} gives itself. */
  public String mediaType(String digest) {
    return readJson(blobPath(digest)).path("mediaType").asText();
  }

  /** Returns the bytes of the blob with {@code digest}. */
  public byte[] blob(String digest) {
    try {
      return Files.readAllBytes(blobPath(digest));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read blob " + digest + " in " + directory, e);
    }
  }

  private void collect(String digest, Set<String> digests) {
    digests.add(digest);
    JsonNode manifest = readJson(blobPath(digest));
    for (JsonNode child : manifest.path("manifests")) {
      collect(child.path("digest").asText(), digests);
    }
    if (manifest.has("config")) {
      digests.add(manifest.path("config").path("digest").asText());
    }
    for (JsonNode layer : manifest.path("layers")) {
      digests.add(layer.path("digest").asText());
    }
  }

  private Path blobPath(String digest) {
    return directory.resolve("blobs").resolve("sha256").resolve(Digests.hex(digest));
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read JSON from " + file, e);
    }
  }
}
