package io.slipway.delta.image;

import io.slipway.delta.DeltaException;
import io.slipway.delta.DeltaFailure;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the few fields Slipway needs from a manifest and a config with a streaming JSON parser,
 * skipping everything else. A device applies deltas within a small heap, and a manifest of up to
 * {@link ImageReader#MAX_MANIFEST_BYTES} or a config of up to {@link ImageReader#MAX_CONFIG_BYTES}
 * parsed as a tree of many small values can take hundreds of MiB. Stateless and thread-safe.
 */
final class ImageJson {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ImageJson() {}

  /**
   * Parses {@code bytes} as the platform manifest {@code digest}.
   *
   * @throws DeltaException {@code INVALID_IMAGE} when it is an index, has another media type, does
   *     not parse, or has an invalid config or layer descriptor
   */
  static PlatformManifest manifest(Digest digest, byte[] bytes) {
    String what = "Manifest " + digest;
    String mediaType = null;
    boolean index = false;
    Descriptor config = null;
    List<Descriptor> layers = List.of();
    try (JsonParser parser = JSON.createParser(bytes)) {
      startObject(parser, what);
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "mediaType" -> mediaType = text(parser, value);
          case "manifests" -> {
            index = true;
            parser.skipChildren();
          }
          case "config" -> config = descriptor(parser, value, "the config of manifest " + digest);
          case "layers" -> layers = layers(parser, value, digest);
          default -> parser.skipChildren();
        }
      }
      endDocument(parser, what);
    } catch (JacksonException e) {
      throw invalid(what + " is not valid JSON: " + e.getOriginalMessage());
    }

    if (index) {
      throw invalid(
          what
              + " is an index ("
              + mediaType
              + "); name the platform manifest of the device's platform");
    }
    if (mediaType == null) {
      mediaType = ImageReader.OCI_MANIFEST;
    }
    if (!mediaType.equals(ImageReader.OCI_MANIFEST)
        && !mediaType.equals(ImageReader.DOCKER_MANIFEST)) {
      throw invalid(what + " has media type " + mediaType + ", not an image");
    }
    if (config == null) {
      throw invalid(
          "The descriptor of the config of manifest " + digest + " is missing or not an object");
    }
    return new PlatformManifest(digest, mediaType, bytes, config, layers);
  }

  /**
   * Returns the config's {@code rootfs.diff_ids}: empty when it has none, with null for an entry
   * that is not a string.
   *
   * @throws DeltaException {@code INVALID_IMAGE} when the config is not a JSON object, or lists
   *     more diff_ids than the manifest has layers
   */
  static List<String> diffIds(byte[] configBytes, PlatformManifest manifest) {
    String what = "Config " + manifest.config().digest();
    List<String> diffIds = List.of();
    try (JsonParser parser = JSON.createParser(configBytes)) {
      startObject(parser, what);
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals("rootfs") && value == JsonToken.START_OBJECT) {
          diffIds = rootfsDiffIds(parser, manifest, what);
        } else {
          parser.skipChildren();
        }
      }
      endDocument(parser, what);
    } catch (JacksonException e) {
      throw invalid(what + " is not valid JSON: " + e.getOriginalMessage());
    }
    return diffIds;
  }

  /** Reads the rootfs object that starts at the parser's position, returning its diff_ids. */
  private static List<String> rootfsDiffIds(
      JsonParser parser, PlatformManifest manifest, String what) {
    List<String> diffIds = List.of();
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (!name.equals("diff_ids") || value != JsonToken.START_ARRAY) {
        parser.skipChildren();
        continue;
      }
      diffIds = new ArrayList<>();
      for (JsonToken entry = parser.nextToken();
          entry != JsonToken.END_ARRAY;
          entry = parser.nextToken()) {
        if (diffIds.size() == manifest.layers().size()) {
          throw invalid(
              what
                  + " lists more diff_ids than the "
                  + manifest.layers().size()
                  + " layers of manifest "
                  + manifest.digest());
        }
        diffIds.add(entry == JsonToken.VALUE_STRING ? parser.getString() : null);
        parser.skipChildren();
      }
    }
    return diffIds;
  }

  /**
   * Reads the layer descriptors at the parser's position. A null or a scalar lists no layers, as
   * for a missing field; an object is rejected.
   */
  private static List<Descriptor> layers(JsonParser parser, JsonToken value, Digest digest) {
    if (value == JsonToken.START_OBJECT) {
      throw invalid("Manifest " + digest + " gives its layers as an object, not an array");
    }
    List<Descriptor> layers = new ArrayList<>();
    if (value != JsonToken.START_ARRAY) {
      return layers;
    }
    for (JsonToken entry = parser.nextToken();
        entry != JsonToken.END_ARRAY;
        entry = parser.nextToken()) {
      layers.add(descriptor(parser, entry, "a layer of manifest " + digest));
    }
    return layers;
  }

  /** Reads the descriptor object at the parser's position, validating it at once. */
  private static Descriptor descriptor(JsonParser parser, JsonToken value, String what) {
    if (value != JsonToken.START_OBJECT) {
      throw invalid("The descriptor of " + what + " is missing or not an object");
    }
    String mediaType = null;
    String digest = null;
    Long size = null;
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = parser.currentName();
      JsonToken field = parser.nextToken();
      switch (name) {
        case "mediaType" -> mediaType = text(parser, field);
        case "digest" -> digest = field == JsonToken.VALUE_STRING ? parser.getString() : null;
        case "size" -> size = integer(parser, field);
        default -> {}
      }
      parser.skipChildren();
    }

    Digest parsed;
    try {
      parsed = Digest.of(digest);
    } catch (IllegalArgumentException e) {
      throw invalid("The digest of " + what + " is invalid: " + e.getMessage());
    }
    if (size == null) {
      throw invalid("The descriptor of " + what + " has no integer size");
    }
    try {
      return new Descriptor(mediaType, parsed, size);
    } catch (IllegalArgumentException e) {
      throw invalid("The descriptor of " + what + " is invalid: " + e.getMessage());
    }
  }

  /** Returns a string value, null for a JSON null, and the text of another scalar. */
  private static String text(JsonParser parser, JsonToken value) {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
      parser.skipChildren();
      return "";
    }
    return parser.getString();
  }

  /** Returns an integer that fits a long, or null for any other value. */
  private static Long integer(JsonParser parser, JsonToken value) {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      return null;
    }
    JsonParser.NumberType type = parser.getNumberType();
    if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
      return null;
    }
    return parser.getLongValue();
  }

  private static void startObject(JsonParser parser, String what) {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw invalid(what + " is not a JSON object");
    }
  }

  private static void endDocument(JsonParser parser, String what) {
    if (parser.nextToken() != null) {
      throw invalid(what + " has content after its JSON object");
    }
  }

  private static DeltaException invalid(String message) {
    return new DeltaException(DeltaFailure.INVALID_IMAGE, message);
  }
}
