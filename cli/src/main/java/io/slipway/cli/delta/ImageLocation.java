package io.slipway.cli.delta;

import io.slipway.builder.registry.ImageReference;
import io.slipway.delta.image.Digest;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an image of {@code slipway delta} lies: an OCI image layout directory, or a registry
 * reference. Immutable.
 */
public sealed interface ImageLocation {

  /** The prefix of OCI image layout locations. */
  String OCI_PREFIX = "oci:";

  /**
   * An OCI image layout directory, with the image named by a tag ({@code
   * org.opencontainers.image.ref.name} in index.json), by a digest, or by neither when index.json
   * lists one image.
   *
   * @param directory the layout directory
   * @param tag the reference name, or null
   * @param digest the digest of a manifest or index, or null
   */
  record Oci(Path directory, String tag, Digest digest) implements ImageLocation {

    public Oci {
      Objects.requireNonNull(directory, "directory");
      if (tag != null && digest != null) {
        throw new IllegalArgumentException("An OCI location names a tag or a digest, not both");
      }
    }

    @Override
    public String toString() {
      if (tag != null) {
        return OCI_PREFIX + directory + ":" + tag;
      }
      if (digest != null) {
        return OCI_PREFIX + directory + "@" + digest;
      }
      return OCI_PREFIX + directory;
    }
  }

  /**
   * A registry reference such as {@code 127.0.0.1:5000/acme/app:1.0}.
   *
   * @param reference the parsed reference
   */
  record Registry(ImageReference reference) implements ImageLocation {

    public Registry {
      Objects.requireNonNull(reference, "reference");
    }

    @Override
    public String toString() {
      return reference.toString();
    }
  }

  /**
   * Parses {@code oci:DIR}, {@code oci:DIR:TAG}, {@code oci:DIR@sha256:HEX} or a registry reference
   * {@code HOST[:PORT]/REPOSITORY[:TAG|@sha256:HEX]}. In {@code oci:} locations a colon after the
   * last slash starts the tag, so a directory whose last component contains a colon needs a tag.
   *
   * @throws IllegalArgumentException naming {@code text} and the accepted forms
   */
  static ImageLocation parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(text, "it is empty");
    }
    if (text.startsWith(OCI_PREFIX)) {
      return parseOci(text);
    }
    try {
      return new Registry(ImageReference.parse(text));
    } catch (IllegalArgumentException e) {
      throw invalid(text, "it neither starts with oci: nor is a registry reference");
    }
  }

  private static ImageLocation parseOci(String text) {
    String rest = text.substring(OCI_PREFIX.length());
    int at = rest.lastIndexOf("@sha256:");
    if (at >= 0) {
      Digest digest;
      try {
        digest = Digest.of(rest.substring(at + 1));
      } catch (IllegalArgumentException e) {
        throw invalid(text, e.getMessage());
      }
      return new Oci(directory(text, rest.substring(0, at)), null, digest);
    }
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      String tag = rest.substring(colon + 1);
      if (tag.isEmpty()) {
        throw invalid(text, "the tag after ':' is empty");
      }
      return new Oci(directory(text, rest.substring(0, colon)), tag, null);
    }
    return new Oci(directory(text, rest), null, null);
  }

  private static Path directory(String text, String directory) {
    if (directory.isEmpty()) {
      throw invalid(text, "the directory is empty");
    }
    return Path.of(directory);
  }

  private static IllegalArgumentException invalid(String text, String reason) {
    return new IllegalArgumentException(
        "Image '"
            + text
            + "' is invalid ("
            + reason
            + "); write oci:DIR[:TAG|@sha256:HEX] for an OCI image layout or"
            + " HOST[:PORT]/REPOSITORY[:TAG|@sha256:HEX] for a registry");
  }
}
