package io.slipway.registry.manifest;

import java.util.List;
import java.util.Optional;

/** Lexical pagination with {@code n} and {@code last}, as tag and catalog listings use. */
final class Paging {

  private Paging() {}

  /**
   * Sorts {@code names} by code point and returns at most {@code limit} of those after {@code
   * last}. Sorting happens here rather than in SQL because database collations differ.
   */
  static List<String> page(List<String> names, Optional<String> last, int limit) {
    return names.stream()
        .sorted()
        .filter(name -> last.isEmpty() || name.compareTo(last.get()) > 0)
        .limit(Math.max(limit, 0))
        .toList();
  }
}
