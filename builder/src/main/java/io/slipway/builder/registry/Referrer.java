package io.slipway.builder.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The descriptor of a manifest that refers to another manifest through its {@code subject}, as the
 * OCI 1.1 referrers API and the referrers tag fallback list it. Immutable.
 *
 * @param mediaType the referring manifest's media type
 * @param digest {@code sha256:} and 64 hex digits
 * @param size the referring manifest's size in bytes
 * @param artifactType the manifest's artifact type, or null when the listing gives none
 * @param annotations the manifest's annotations, empty when it has none
 */
public record Referrer(
    String mediaType,
    String digest,
    long size,
    String artifactType,
    Map<String, String> annotations) {

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /**
   * @throws IllegalArgumentException naming the digest or size when it is malformed
   */
  public Referrer {
    Objects.requireNonNull(mediaType, "mediaType");
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException("Referrer digest '" + digest + "' is not sha256:<64 hex>");
    }
    if (size <= 0) {
      throw new IllegalArgumentException("Referrer size " + size + " must be positive");
    }
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /**
   * Reads the {@code manifests} array of an OCI image index, such as a referrers API response or a
   * fallback tag's index. Entries without {@code artifactType} get null.
   *
   * @throws IllegalArgumentException when the document is not JSON, has no {@code manifests} array,
   *     or an entry is malformed
   */
  public static List<Referrer> listFrom(byte[] index) {
    JsonNode root;
    try {
      root = JSON.readTree(index);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("the index is not JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode manifests = root.path("manifests");
    if (!manifests.isArray()) {
      throw new IllegalArgumentException("the index has no 'manifests' array");
    }
    List<Referrer> referrers = new ArrayList<>();
    for (JsonNode entry : manifests) {
      referrers.add(of(entry));
    }
    return referrers;
  }

  private static Referrer of(JsonNode entry) {
    Map<String, String> annotations = new LinkedHashMap<>();
    entry
        .path("annotations")
        .properties()
        .forEach(field -> annotations.put(field.getKey(), field.getValue().asString()));
    JsonNode artifactType = entry.path("artifactType");
    return new Referrer(
        entry.path("mediaType").asString(""),
        entry.path("digest").asString(null),
        entry.path("size").asLong(0),
        artifactType.isString() ? artifactType.asString() : null,
        annotations);
  }
}
