package io.slipway.builder.registry;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pushes one OCI image index over per-platform manifests and tags it, as the last step of a
 * service's build.
 *
 * <p>The index bytes depend only on the inputs: entries are sorted by platform, annotations by key,
 * and the JSON has a fixed field order and no whitespace, so the same manifests, revision and
 * creation time always give the same index digest. Thread-safe.
 */
public final class IndexWriter {

  /** The annotation naming the source revision, usually a git commit. */
  public static final String REVISION = "org.opencontainers.image.revision";

  /** The annotation holding the creation time, RFC 3339 in UTC. */
  public static final String CREATED = "org.opencontainers.image.created";

  private static final Logger LOG = LoggerFactory.getLogger(IndexWriter.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Comparator<Descriptor> BY_PLATFORM =
      Comparator.comparing((Descriptor d) -> d.platform().toString())
          .thenComparing(Descriptor::digest);

  private final RegistryClient client;

  public IndexWriter(RegistryClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * Checks that {@code repository} contains every manifest, then pushes their index under {@code
   * tag}.
   *
   * @param repository the service's repository, which contains the per-platform manifests
   * @param tag the tag for the index, such as the release version
   * @param manifests one descriptor per platform, each with its platform set
   * @param revision the source revision for the {@link #REVISION} annotation, or null for none
   * @param created the creation time for the {@link #CREATED} annotation
   * @return the pushed index
   * @throws IllegalArgumentException when the list is empty, a descriptor lacks its platform, or
   *     two name the same platform
   * @throws RegistryException when a manifest is missing from {@code repository} or the push fails
   */
  public Manifest write(
      String repository, String tag, List<Descriptor> manifests, String revision, Instant created) {
    Manifest index = index(manifests, annotations(revision, created));
    for (Descriptor manifest : manifests) {
      requirePresent(repository, manifest);
    }
    client.putManifest(repository, tag, index);
    LOG.info(
        "Pushed index {}/{}:{} as {} over {} platforms",
        client.registry(),
        repository,
        tag,
        index.digest(),
        manifests.size());
    return index;
  }

  /**
   * Returns the index document for {@code manifests} with {@code annotations}, without pushing it.
   *
   * @throws IllegalArgumentException when the list is empty, a descriptor lacks its platform, or
   *     two name the same platform
   */
  public static Manifest index(List<Descriptor> manifests, Map<String, String> annotations) {
    List<Descriptor> sorted = sorted(manifests);
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode entries = root.putArray("manifests");
    for (Descriptor descriptor : sorted) {
      ObjectNode entry = entries.addObject();
      entry.put("mediaType", descriptor.mediaType());
      entry.put("digest", descriptor.digest());
      entry.put("size", descriptor.size());
      ObjectNode platform = entry.putObject("platform");
      platform.put("architecture", descriptor.platform().architecture());
      platform.put("os", descriptor.platform().os());
      if (descriptor.platform().variant() != null) {
        platform.put("variant", descriptor.platform().variant());
      }
    }
    if (!annotations.isEmpty()) {
      ObjectNode notes = root.putObject("annotations");
      new TreeMap<>(annotations).forEach(notes::put);
    }
    return Manifest.of(MediaTypes.OCI_INDEX, JSON.writeValueAsBytes(root));
  }

  /** Returns the revision (when given) and creation annotations. */
  public static Map<String, String> annotations(String revision, Instant created) {
    Objects.requireNonNull(created, "created");
    Map<String, String> annotations = new TreeMap<>();
    annotations.put(CREATED, DateTimeFormatter.ISO_INSTANT.format(created));
    if (revision != null && !revision.isBlank()) {
      annotations.put(REVISION, revision);
    }
    return annotations;
  }

  private static List<Descriptor> sorted(List<Descriptor> manifests) {
    if (manifests == null || manifests.isEmpty()) {
      throw new IllegalArgumentException("An image index needs at least one manifest");
    }
    Set<String> platforms = new HashSet<>();
    for (Descriptor descriptor : manifests) {
      if (descriptor.platform() == null) {
        throw new IllegalArgumentException(
            "Manifest " + descriptor.digest() + " has no platform; an index entry needs one");
      }
      if (!platforms.add(descriptor.platform().toString())) {
        throw new IllegalArgumentException(
            "Two manifests are for platform "
                + descriptor.platform()
                + "; an index has one per platform");
      }
    }
    List<Descriptor> sorted = new ArrayList<>(manifests);
    sorted.sort(BY_PLATFORM);
    return sorted;
  }

  private void requirePresent(String repository, Descriptor manifest) {
    if (client.headManifest(repository, manifest.digest()).isEmpty()) {
      throw new RegistryException(
          repository,
          manifest.digest(),
          404,
          "the manifest for "
              + manifest.platform()
              + " is not in this repository; push it before writing the index");
    }
  }
}
