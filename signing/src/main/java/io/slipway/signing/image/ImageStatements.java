package io.slipway.signing.image;

import io.slipway.signing.intoto.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The in-toto statements that sign image manifests: one subject, the repository with the manifest's
 * SHA-256, and a predicate that names the repository, the manifest's media type and the signing
 * time. Stateless.
 */
public final class ImageStatements {

  /** The predicate type of Slipway's image statements. */
  public static final String PREDICATE_TYPE = "https://slipway.io/image/v1";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ImageStatements() {}

  /**
   * Makes the statement that signs the manifest {@code manifestDigest} in {@code repository}.
   *
   * @param repository the repository, such as {@code org/fleet/web}
   * @param manifestDigest the manifest's digest, {@code sha256:} and 64 lower-case hex digits
   * @param mediaType the manifest's media type, such as {@code
   *     application/vnd.oci.image.index.v1+json}
   * @param signedAt the signing time, which verifiers hold against the key's validity
   * @throws IllegalArgumentException naming the value when the repository or media type is blank or
   *     the digest is not a sha256 digest
   */
  public static Statement of(
      String repository, String manifestDigest, String mediaType, Instant signedAt) {
    requireText(repository, "repository");
    requireText(mediaType, "media type");
    Objects.requireNonNull(signedAt, "signedAt");

    ObjectNode predicate = JSON.createObjectNode();
    predicate.put("repository", repository);
    predicate.put("mediaType", mediaType);
    predicate.put("signedAt", signedAt.toString());
    return new Statement(
        List.of(Statement.Subject.ofDigest(repository, manifestDigest)), PREDICATE_TYPE, predicate);
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "An image statement needs a " + name + "; got '" + value + "'");
    }
  }
}
