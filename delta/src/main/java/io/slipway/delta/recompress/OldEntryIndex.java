package io.slipway.delta.recompress;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Finds the entry of the old archive that a new entry is encoded against: the entry of the same
 * name, else the only old entry whose name matches once digits are removed. The second rule pairs
 * versioned names such as {@code BOOT-INF/lib/commons-io-2.19.0.jar} and {@code
 * BOOT-INF/lib/commons-io-2.20.0.jar}. Immutable.
 */
final class OldEntryIndex {

  private final Map<String, ZipEntryInfo> byName;
  private final Map<String, ZipEntryInfo> byVersionlessName = new HashMap<>();

  OldEntryIndex(ZipArchive oldArchive) {
    this.byName = oldArchive.entriesByName();
    Set<String> ambiguous = new HashSet<>();
    for (ZipEntryInfo entry : oldArchive.entries()) {
      String key = versionless(entry.name());
      if (byVersionlessName.putIfAbsent(key, entry) != null) {
        ambiguous.add(key);
      }
    }
    byVersionlessName.keySet().removeAll(ambiguous);
  }

  /** Returns the old entry for {@code name}, or null when the old archive has none. */
  ZipEntryInfo find(String name) {
    ZipEntryInfo sameName = byName.get(name);
    if (sameName != null) {
      return sameName;
    }
    return byVersionlessName.get(versionless(name));
  }

  /** Returns {@code name} without its digits: a version change leaves the result the same. */
  static String versionless(String name) {
    return name.replaceAll("[0-9]+", "");
  }
}
