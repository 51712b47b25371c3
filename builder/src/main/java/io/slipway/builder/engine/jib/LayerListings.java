package io.slipway.builder.engine.jib;

import io.slipway.builder.registry.RegistryClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The directories and symbolic links of base image layers, read by streaming each layer once and
 * kept in memory by layer digest for the engine's lifetime. Tells whether a {@code COPY}
 * destination without a trailing slash is an existing directory, which Docker copies into rather
 * than replaces. Thread-safe.
 */
final class LayerListings {

  /** One layer's entries: directories and links as paths without a leading slash. */
  private record Listing(Set<String> directories, Map<String, String> links, Set<String> removed) {}

  private final Map<String, Listing> layers = new ConcurrentHashMap<>();

  /**
   * The directories of one image: its layers applied in order, plus the directories this build
   * adds. Not thread-safe; one instance serves one build.
   */
  final class Tree {

    private final Set<String> directories = new HashSet<>();
    private final Map<String, String> links = new HashMap<>();

    /** Records a directory a {@code COPY} layer creates, with its parents. */
    void addDirectory(String imagePath) {
      String path = ImagePaths.relative(imagePath);
      while (!path.isEmpty()) {
        directories.add(path);
        links.remove(path);
        int slash = path.lastIndexOf('/');
        path = slash < 0 ? "" : path.substring(0, slash);
      }
    }

    /** Returns true when {@code imagePath} is a directory, following links as the image would. */
    boolean isDirectory(String imagePath) {
      String resolved = resolve(ImagePaths.relative(imagePath));
      return resolved.isEmpty() || directories.contains(resolved);
    }

    private String resolve(String path) {
      String current = path;
      for (int hops = 0; hops < 40; hops++) {
        String next = substituteLink(current);
        if (next.equals(current)) {
          return current;
        }
        current = next;
      }
      return current;
    }

    /** Replaces the first component prefix that is a link with the link's target. */
    private String substituteLink(String path) {
      String[] parts = path.split("/");
      StringBuilder prefix = new StringBuilder();
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          prefix.append('/');
        }
        prefix.append(parts[i]);
        String target = links.get(prefix.toString());
        if (target != null) {
          String parent =
              prefix.lastIndexOf("/") < 0 ? "" : prefix.substring(0, prefix.lastIndexOf("/"));
          String base = target.startsWith("/") ? target : "/" + parent + "/" + target;
          String rest = String.join("/", List.of(parts).subList(i + 1, parts.length));
          String joined = rest.isEmpty() ? base : base + "/" + rest;
          return ImagePaths.relative(ImagePaths.absolute(joined, "/"));
        }
      }
      return path;
    }

    private void apply(Listing listing) {
      for (String removed : listing.removed()) {
        directories.removeIf(d -> d.equals(removed) || d.startsWith(removed + "/"));
        links.keySet().removeIf(l -> l.equals(removed) || l.startsWith(removed + "/"));
      }
      directories.addAll(listing.directories());
      listing
          .links()
          .forEach(
              (path, target) -> {
                directories.remove(path);
                links.put(path, target);
              });
    }
  }

  /** Returns the tree of the layers {@code digests} of {@code repository}, bottom first. */
  Tree tree(RegistryClient client, String repository, List<String> digests) throws IOException {
    Tree tree = new Tree();
    for (String digest : digests) {
      Listing listing = layers.get(digest);
      if (listing == null) {
        listing = read(client, repository, digest);
        layers.put(digest, listing);
      }
      tree.apply(listing);
    }
    return tree;
  }

  /** Returns an empty tree, for images built from scratch. */
  Tree empty() {
    return new Tree();
  }

  private static Listing read(RegistryClient client, String repository, String digest)
      throws IOException {
    Set<String> directories = new HashSet<>();
    Map<String, String> links = new HashMap<>();
    Set<String> removed = new HashSet<>();
    try (InputStream blob = client.openBlob(repository, digest)) {
      TarArchiveInputStream tar =
          new TarArchiveInputStream(ArchiveExtractor.decompressed(new BufferedInputStream(blob)));
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name = ImagePaths.relative(entry.getName());
        while (name.endsWith("/")) {
          name = name.substring(0, name.length() - 1);
        }
        int slash = name.lastIndexOf('/');
        String baseName = name.substring(slash + 1);
        String parent = slash < 0 ? "" : name.substring(0, slash);
        if (baseName.equals(ArchiveExtractor.OPAQUE)) {
          // An opaque directory hides what lower layers put in it; the directory itself stays.
          removed.add(parent.isEmpty() ? "" : parent);
          directories.add(parent);
        } else if (baseName.startsWith(ArchiveExtractor.WHITEOUT)) {
          String hidden = baseName.substring(ArchiveExtractor.WHITEOUT.length());
          removed.add(parent.isEmpty() ? hidden : parent + "/" + hidden);
        } else if (entry.isDirectory()) {
          directories.add(name);
        } else if (entry.isSymbolicLink()) {
          links.put(name, entry.getLinkName());
        }
      }
    }
    return new Listing(Set.copyOf(directories), Map.copyOf(links), Set.copyOf(removed));
  }
}
