package io.slipway.registry.http;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request path under {@code /v2} split into the endpoint it addresses, the repository name and
 * the reference (digest, tag or upload id) where the endpoint has one. Names are not validated
 * here.
 */
record Route(Kind kind, String repository, String reference) {

  enum Kind {
    BASE,
    CATALOG,
    UPLOADS,
    UPLOAD,
    BLOB,
    MANIFEST,
    TAGS,
    REFERRERS
  }

  private record Rule(Kind kind, Pattern pattern) {}

  // Order matters: an upload URL also ends like a blob URL.
  private static final List<Rule> RULES =
      List.of(
          new Rule(Kind.UPLOADS, Pattern.compile("/(.+)/blobs/uploads/?")),
          new Rule(Kind.UPLOAD, Pattern.compile("/(.+)/blobs/uploads/([^/]+)")),
          new Rule(Kind.BLOB, Pattern.compile("/(.+)/blobs/([^/]+)")),
          new Rule(Kind.MANIFEST, Pattern.compile("/(.+)/manifests/([^/]+)")),
          new Rule(Kind.TAGS, Pattern.compile("/(.+)/tags/list")),
          new Rule(Kind.REFERRERS, Pattern.compile("/(.+)/referrers/([^/]+)")));

  /** Parses the part of the path after {@code /v2}; returns null when no endpoint matches. */
  static Route parse(String path) {
    if (path.isEmpty() || path.equals("/")) {
      return new Route(Kind.BASE, null, null);
    }
    if (path.equals("/_catalog")) {
      return new Route(Kind.CATALOG, null, null);
    }
    for (Rule rule : RULES) {
      Matcher matcher = rule.pattern().matcher(path);
      if (matcher.matches()) {
        String reference = matcher.groupCount() > 1 ? matcher.group(2) : null;
        return new Route(rule.kind(), matcher.group(1), reference);
      }
    }
    return null;
  }
}
