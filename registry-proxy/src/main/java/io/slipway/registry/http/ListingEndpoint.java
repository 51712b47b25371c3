package io.slipway.registry.http;

import io.slipway.registry.error.ErrorCode;
import io.slipway.registry.error.RegistryException;
import io.slipway.registry.manifest.ManifestService;
import io.slipway.registry.manifest.MediaTypes;
import io.slipway.registry.metadata.ManifestRecord;
import io.slipway.registry.reference.RepositoryName;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Tag listing, the catalog and the referrers API. */
final class ListingEndpoint {

  /** Page size when the client gives no {@code n}. */
  private static final int DEFAULT_PAGE = 10_000;

  private final ManifestService manifests;

  ListingEndpoint(ManifestService manifests) {
    this.manifests = manifests;
  }

  void tags(HttpServletRequest request, HttpServletResponse response, RepositoryName repository)
      throws IOException {
    int limit = pageSize(request);
    Optional<String> last = Optional.ofNullable(request.getParameter("last"));
    List<String> page = manifests.tags(repository, last, limit + 1);
    String base = "/v2/" + repository + "/tags/list";
    writePage(response, base, limit, page, Map.of("name", repository.value()), "tags");
  }

  void catalog(HttpServletRequest request, HttpServletResponse response) throws IOException {
    int limit = pageSize(request);
    Optional<String> last = Optional.ofNullable(request.getParameter("last"));
    List<String> page = manifests.catalog(last, limit + 1);
    writePage(response, "/v2/_catalog", limit, page, Map.of(), "repositories");
  }

  /** Writes at most {@code limit} names, with a {@code Link} header when more follow. */
  private static void writePage(
      HttpServletResponse response,
      String base,
      int limit,
      List<String> fetched,
      Map<String, Object> fields,
      String listField)
      throws IOException {
    List<String> page = fetched.size() > limit ? fetched.subList(0, limit) : fetched;
    if (fetched.size() > limit && !page.isEmpty()) {
      String last = URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8);
      response.setHeader("Link", "<" + base + "?n=" + limit + "&last=" + last + ">; rel=\"next\"");
    }
    Map<String, Object> body = new LinkedHashMap<>(fields);
    body.put(listField, page);
    writeJson(response, "application/json", body);
  }

  private static int pageSize(HttpServletRequest request) {
    String n = request.getParameter("n");
    if (n == null) {
      return DEFAULT_PAGE;
    }
    try {
      long value = Long.parseLong(n);
      if (value >= 0) {
        // Larger pages are cut to the default size; the Link header leads to the rest.
        return (int) Math.min(value, DEFAULT_PAGE);
      }
    } catch (NumberFormatException e) {
      // Rejected below, like a negative number.
    }
    throw new RegistryException(
        ErrorCode.SIZE_INVALID,
        "Page size n='"
            + n
            + "' is invalid: give a whole number of 0 or more (pages hold at most "
            + DEFAULT_PAGE
            + " entries)");
  }

  void referrers(
      HttpServletRequest request,
      HttpServletResponse response,
      RepositoryName repository,
      String reference)
      throws IOException {
    var subject = BlobEndpoint.digest(reference);
    Optional<String> artifactType = Optional.ofNullable(request.getParameter("artifactType"));
    List<Map<String, Object>> descriptors = new ArrayList<>();
    for (ManifestRecord record : manifests.referrers(repository, subject, artifactType)) {
      descriptors.add(descriptor(record));
    }
    if (artifactType.isPresent()) {
      response.setHeader("OCI-Filters-Applied", "artifactType");
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", descriptors);
    writeJson(response, MediaTypes.OCI_INDEX, index);
  }

  private static Map<String, Object> descriptor(ManifestRecord record) {
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("mediaType", record.mediaType());
    descriptor.put("digest", record.digest().toString());
    descriptor.put("size", record.size());
    if (record.artifactType() != null) {
      descriptor.put("artifactType", record.artifactType());
    }
    if (record.annotationsJson() != null) {
      descriptor.put(
          "annotations", ErrorResponses.JSON.readValue(record.annotationsJson(), JsonNode.class));
    }
    return descriptor;
  }

  private static void writeJson(HttpServletResponse response, String contentType, Object body)
      throws IOException {
    byte[] bytes = ErrorResponses.JSON.writeValueAsBytes(body);
    response.setStatus(200);
    response.setContentType(contentType);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
