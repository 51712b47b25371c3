package io.slipway.builder.engine.buildkit;

import io.slipway.builder.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.TreeFormatter;

/**
 * Writes a directory as one git commit: regular files (executable or not), symbolic links and
 * subdirectories, in git's canonical order. The author, committer, time and message are fixed by
 * the caller's time, so the same files at the same time always give the same commit id.
 *
 * <p>Git records no empty directories and no permission bits other than the executable bit, so
 * neither reaches the build; a Docker build context behaves the same in practice.
 */
final class ContextCommit {

  private static final String NAME = "Slipway builder";
  private static final String EMAIL = "builder@slipway.invalid";

  private ContextCommit() {}

  /**
   * Inserts the tree of {@code directory} and a commit of it made at {@code time}.
   *
   * @return the commit's id
   * @throws EngineException naming the file that cannot be read
   */
  static ObjectId write(ObjectInserter inserter, Path directory, Instant time) {
    ObjectId tree = tree(inserter, directory);
    PersonIdent person = new PersonIdent(NAME, EMAIL, Date.from(time), TimeZone.getTimeZone("UTC"));
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(tree);
    commit.setAuthor(person);
    commit.setCommitter(person);
    commit.setMessage("Build context\n");
    try {
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      return id;
    } catch (IOException e) {
      throw new EngineException("Cannot store the build context commit: " + e.getMessage(), e);
    }
  }

  private static ObjectId tree(ObjectInserter inserter, Path directory) {
    TreeFormatter tree = new TreeFormatter();
    for (Path entry : gitOrder(directory)) {
      String name = entry.getFileName().toString();
      try {
        if (Files.isSymbolicLink(entry)) {
          byte[] target = Files.readSymbolicLink(entry).toString().getBytes(StandardCharsets.UTF_8);
          tree.append(name, FileMode.SYMLINK, inserter.insert(Constants.OBJ_BLOB, target));
        } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          if (hasFiles(entry)) {
            tree.append(name, FileMode.TREE, tree(inserter, entry));
          }
        } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          FileMode mode =
              Files.isExecutable(entry) ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE;
          try (InputStream in = Files.newInputStream(entry)) {
            tree.append(name, mode, inserter.insert(Constants.OBJ_BLOB, Files.size(entry), in));
          }
        }
        // Sockets, pipes and devices cannot be part of a build context; they are left out.
      } catch (IOException e) {
        throw new EngineException(
            "Cannot read build context file " + entry + ": " + e.getMessage(), e);
      }
    }
    try {
      return inserter.insert(tree);
    } catch (IOException e) {
      throw new EngineException("Cannot store the build context tree: " + e.getMessage(), e);
    }
  }

  /** Returns true when the directory contains a file or link at any depth, so git records it. */
  private static boolean hasFiles(Path directory) throws IOException {
    for (Path entry : list(directory)) {
      if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) || hasFiles(entry)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Lists a directory in git's tree order: by name bytes, where a directory's name compares as if
   * it ended in '/'.
   */
  private static List<Path> gitOrder(Path directory) {
    try {
      List<Path> entries = list(directory);
      entries.sort(Comparator.comparing(ContextCommit::sortKey, ContextCommit::compareBytes));
      return entries;
    } catch (IOException e) {
      throw new EngineException(
          "Cannot list build context directory " + directory + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> list(Path directory) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      stream.forEach(entries::add);
    }
    return entries;
  }

  private static byte[] sortKey(Path entry) {
    String name = entry.getFileName().toString();
    boolean tree = Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS);
    return (tree ? name + "/" : name).getBytes(StandardCharsets.UTF_8);
  }

  private static int compareBytes(byte[] a, byte[] b) {
    return java.util.Arrays.compareUnsigned(a, b);
  }
}
