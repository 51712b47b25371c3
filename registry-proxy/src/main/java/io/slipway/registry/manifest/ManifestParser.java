package io.slipway.registry.manifest;

import io.slipway.registry.error.ErrorCode;
import io.slipway.registry.error.RegistryException;
import io.slipway.registry.reference.Digest;
import io.slipway.registry.reference.InvalidReferenceException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses and checks the structure of OCI and Docker manifests. Stateless and thread-safe.
 *
 * <p>The media type comes from the request's {@code Content-Type}; when that is missing or generic
 * ({@code application/json}), from the manifest's own {@code mediaType} field. Both must agree when
 * both are given.
 */
public final class ManifestParser {

  // Duplicate keys are rejected: two parsers that kept different duplicates would read one signed
  // manifest as two different ones.
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * @throws RegistryException MANIFEST_INVALID naming the field at fault
   */
  public ParsedManifest parse(byte[] body, String contentType) {
    JsonNode root = readTree(body);
    String mediaType = mediaType(root, contentType);
    checkSchemaVersion(root);
    Descriptor subject = optionalDescriptor(root, "subject");
    String artifactType = text(root, "artifactType");
    String annotations = root.has("annotations") ? root.get("annotations").toString() : null;
    if (MediaTypes.INDEXES.contains(mediaType)) {
      List<Descriptor> manifests = descriptors(root, "manifests", true);
      return new ParsedManifest(
          mediaType, null, List.of(), manifests, subject, artifactType, annotations);
    }
    Descriptor config = descriptor(root.get("config"), "config");
    List<Descriptor> layers = descriptors(root, "layers", false);
    String effectiveType = artifactType != null ? artifactType : config.mediaType();
    return new ParsedManifest(
        mediaType, config, layers, List.of(), subject, effectiveType, annotations);
  }

  private static JsonNode readTree(byte[] body) {
    if (body.length >= 3
        && (body[0] & 0xff) == 0xef
        && (body[1] & 0xff) == 0xbb
        && (body[2] & 0xff) == 0xbf) {
      // Clients such as skopeo cannot parse a manifest that starts with a byte-order mark.
      throw invalid("Manifest starts with a UTF-8 byte-order mark; send plain JSON without it");
    }
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || !root.isObject()) {
        throw invalid("Manifest is not a JSON object");
      }
      return root;
    } catch (JacksonException e) {
      throw invalid("Manifest is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static String mediaType(JsonNode root, String contentType) {
    String declared = text(root, "mediaType");
    String header = contentType == null ? null : contentType.split(";")[0].trim();
    if (header != null && (header.isEmpty() || header.equals("application/json"))) {
      header = null;
    }
    if (header != null && declared != null && !header.equals(declared)) {
      throw invalid(
          "Content-Type '"
              + header
              + "' differs from the manifest's mediaType '"
              + declared
              + "'; send the same type in both");
    }
    String mediaType = header != null ? header : declared;
    if (mediaType == null) {
      mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
    if (!MediaTypes.isManifest(mediaType)) {
      throw invalid(
          "Unsupported manifest media type '"
              + mediaType
              + "': push an OCI image manifest or index, or a Docker v2 manifest or list");
    }
    return mediaType;
  }

  private static void checkSchemaVersion(JsonNode root) {
    JsonNode version = root.get("schemaVersion");
    if (version == null || !version.isInt() || version.intValue() != 2) {
      throw invalid("Manifest schemaVersion is " + version + ", expected 2");
    }
  }

  private static List<Descriptor> descriptors(JsonNode root, String field, boolean required) {
    JsonNode array = root.get(field);
    if (array == null && !required) {
      return List.of();
    }
    if (array == null || !array.isArray()) {
      throw invalid("Manifest field '" + field + "' must be an array of descriptors");
    }
    List<Descriptor> result = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      result.add(descriptor(array.get(i), field + "[" + i + "]"));
    }
    return result;
  }

  private static Descriptor optionalDescriptor(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node == null || node.isNull() ? null : descriptor(node, field);
  }

  private static Descriptor descriptor(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw invalid("Manifest field '" + where + "' must be a descriptor object");
    }
    String mediaType = text(node, "mediaType");
    if (mediaType == null) {
      throw invalid("Descriptor '" + where + "' has no mediaType");
    }
    JsonNode size = node.get("size");
    if (size == null || !size.canConvertToLong() || size.longValue() < 0) {
      throw invalid("Descriptor '" + where + "' has size " + size + "; expected a byte count");
    }
    Digest digest;
    try {
      digest = Digest.parse(text(node, "digest"));
    } catch (InvalidReferenceException e) {
      throw invalid("Descriptor '" + where + "': " + e.getMessage());
    }
    // Only non-distributable layers may live elsewhere; URLs on any other descriptor are ignored,
    // so its content must be in the registry like any other blob.
    boolean external =
        MediaTypes.isNonDistributable(mediaType)
            && node.has("urls")
            && node.get("urls").isArray()
            && !node.get("urls").isEmpty();
    return new Descriptor(mediaType, digest, size.longValue(), external);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isString() ? value.stringValue() : null;
  }

  private static RegistryException invalid(String message) {
    return new RegistryException(ErrorCode.MANIFEST_INVALID, message);
  }
}
