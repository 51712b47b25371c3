package io.slipway.cli.release;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Prints a release (the JSON of {@code GET /api/v1/releases/{id}}) for people. */
public final class ReleaseText {

  private ReleaseText() {}

  /**
   * Prints the release's id, status, version, source, its signature when it has one, and each
   * service's image.
   */
  public static void print(PrintWriter out, JsonNode release) {
    out.println(
        "Release "
            + release.path("id").asLong()
            + " of "
            + release.path("fleet").asString()
            + ": "
            + release.path("status").asString()
            + (release.path("invalidated").asBoolean() ? " (invalidated)" : ""));
    field(out, "Version", release.path("version"));
    field(out, "Source", release.path("source"));
    field(out, "Commit", release.path("commit"));
    field(out, "Created by", release.path("createdBy"));
    out.println("  Created:    " + Instant.ofEpochMilli(release.path("createdAt").asLong()));
    JsonNode finished = release.path("finishedAt");
    if (finished.isNumber()) {
      out.println("  Finished:   " + Instant.ofEpochMilli(finished.asLong()));
    }
    JsonNode signature = release.path("signature");
    if (signature.isObject()) {
      out.println(
          "  Signed:     sequence "
              + signature.path("sequence").asLong()
              + ", document "
              + signature.path("documentDigest").asString()
              + ", key "
              + signature.path("keyHint").asString());
    }
    JsonNode services = release.path("services");
    if (services.isObject() && !services.isEmpty()) {
      out.println("  Services:");
      for (Map.Entry<String, JsonNode> service : services.properties()) {
        JsonNode image = service.getValue().path("image");
        out.println(
            "    "
                + service.getKey()
                + "  "
                + (image.isString() ? image.asString() : "(no image)"));
      }
    }
    out.flush();
  }

  private static void field(PrintWriter out, String name, JsonNode value) {
    if (value.isString() && !value.asString().isEmpty()) {
      out.printf("  %-11s %s%n", name + ":", value.asString());
    }
  }
}
