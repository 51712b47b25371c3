package io.slipway.delta.encode;

import io.slipway.delta.tar.TarEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The files of all base layers, indexed for matching target files: by path (an upper layer's file
 * replaces a lower one's, and a whiteout {@code .wh.NAME} removes {@code NAME}), by content digest
 * (renames and copies, including files an upper layer hides), and by path with version numbers
 * taken out ({@code libssl.so.3.0.15} matches {@code libssl.so.3.0.16}). Immutable after {@link
 * #index}; thread-safe.
 */
final class BaseFiles {

  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  /** A run of digits with dots, dashes, underscores, tildes or plus signs between digit groups. */
  private static final Pattern VERSION = Pattern.compile("[0-9]+(?:[._~+-]?[0-9]+)*");

  private final Map<String, BaseFile> byPath = new HashMap<>();
  private final Map<String, BaseFile> byContent = new HashMap<>();
  private final Map<String, List<BaseFile>> byStem = new HashMap<>();

  /** One base member: the layer holding it and its entry. */
  record BaseFile(ExpandedLayer layer, TarEntry entry) {}

  private BaseFiles() {}

  /** Indexes {@code layers}, lowest first, reading every member's content once to hash it. */
  static BaseFiles index(List<ExpandedLayer> layers) throws IOException {
    BaseFiles files = new BaseFiles();
    for (ExpandedLayer layer : layers) {
      for (TarEntry entry : layer.index().entries()) {
        files.add(layer, entry);
      }
    }
    return files;
  }

  private void add(ExpandedLayer layer, TarEntry entry) throws IOException {
    String path = normalize(entry.path());
    String name = entry.fileName();
    if (name.equals(OPAQUE)) {
      String directory = normalize(entry.directory());
      byPath.keySet().removeIf(existing -> existing.startsWith(directory + "/"));
      return;
    }
    if (name.startsWith(WHITEOUT)) {
      String hidden = normalize(entry.directory() + name.substring(WHITEOUT.length()));
      byPath
          .keySet()
          .removeIf(existing -> existing.equals(hidden) || existing.startsWith(hidden + "/"));
      return;
    }
    BaseFile file = new BaseFile(layer, entry);
    byPath.put(path, file);
    if (entry.size() > 0) {
      byContent.putIfAbsent(layer.contentDigest(entry), file);
      byStem.computeIfAbsent(stem(path), key -> new ArrayList<>()).add(file);
    }
  }

  /** Returns the visible base file at {@code path}. */
  Optional<BaseFile> atPath(String path) {
    return Optional.ofNullable(byPath.get(normalize(path)));
  }

  /** Returns a base file whose content has the SHA-256 {@code contentDigest}, in hex. */
  Optional<BaseFile> withContent(String contentDigest) {
    return Optional.ofNullable(byContent.get(contentDigest));
  }

  /**
   * Returns the base file whose path equals {@code path} but for version numbers and whose size is
   * closest to {@code size}.
   */
  Optional<BaseFile> similar(String path, long size) {
    List<BaseFile> candidates = byStem.getOrDefault(stem(normalize(path)), List.of());
    BaseFile best = null;
    for (BaseFile candidate : candidates) {
      if (best == null
          || Math.abs(candidate.entry().size() - size) < Math.abs(best.entry().size() - size)) {
        best = candidate;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Removes a leading {@code ./} or {@code /} and a trailing slash. */
  static String normalize(String path) {
    String result = path;
    while (result.startsWith("./") || result.startsWith("/")) {
      result = result.substring(result.startsWith("./") ? 2 : 1);
    }
    if (result.endsWith("/")) {
      result = result.substring(0, result.length() - 1);
    }
    return result;
  }

  /** Returns {@code path} with each version number replaced by {@code #}. */
  static String stem(String path) {
    return VERSION.matcher(path).replaceAll("#");
  }
}
