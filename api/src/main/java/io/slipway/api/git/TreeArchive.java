package io.slipway.api.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Writes the tree of a commit as a tar stream, the form a build source is uploaded in. Directories
 * come before their contents; files keep git's two modes (0644 and 0755); symbolic links stay
 * links. Every entry gets the commit's time, so that the same commit always gives the same archive.
 * Stateless.
 */
final class TreeArchive {

  private TreeArchive() {}

  /** The tree contains a submodule, which a build source cannot carry. */
  static final class SubmoduleException extends IOException {
    SubmoduleException(String path) {
      super(
          "'"
              + path
              + "' is a git submodule, which Slipway cannot build from: copy its files into the"
              + " repository or fetch them in the Dockerfile");
    }
  }

  /** Maximum length of a symbolic link target, in bytes: Linux's {@code PATH_MAX} less one. */
  static final int MAX_LINK_TARGET = 4095;

  /** A symbolic link's target is longer than {@link #MAX_LINK_TARGET}. */
  static final class LinkTargetException extends IOException {
    LinkTargetException(String path, long size) {
      super(
          "symbolic link '"
              + path
              + "' has a target of "
              + size
              + " bytes; a target may have at most "
              + MAX_LINK_TARGET
              + " bytes: shorten it or replace the link with the file");
    }
  }

  /**
   * Writes the tree of {@code commit} to {@code out} as an uncompressed tar stream and finishes it;
   * {@code out} stays open.
   *
   * @throws SubmoduleException when the tree contains a submodule
   * @throws LinkTargetException when a symbolic link's target is longer than {@link
   *     #MAX_LINK_TARGET} bytes
   * @throws IOException when an object is missing or {@code out} fails
   */
  static void write(Repository repository, ObjectId commit, OutputStream out) throws IOException {
    try (RevWalk walk = new RevWalk(repository);
        ObjectReader reader = repository.newObjectReader();
        TreeWalk tree = new TreeWalk(repository, reader)) {
      RevCommit parsed = walk.parseCommit(commit);
      Date time = new Date(parsed.getCommitTime() * 1000L);
      tree.addTree(parsed.getTree());
      tree.setRecursive(false);

      // Finished but not closed, because closing it would close the caller's stream.
      TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      while (tree.next()) {
        String path = tree.getPathString();
        FileMode mode = tree.getFileMode(0);
        if (tree.isSubtree()) {
          TarArchiveEntry entry = new TarArchiveEntry(path + "/");
          entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE);
          entry.setModTime(time);
          tar.putArchiveEntry(entry);
          tar.closeArchiveEntry();
          tree.enterSubtree();
        } else if (mode == FileMode.GITLINK) {
          throw new SubmoduleException(path);
        } else if (mode == FileMode.SYMLINK) {
          TarArchiveEntry entry = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
          entry.setLinkName(linkTarget(reader, path, tree.getObjectId(0)));
          entry.setModTime(time);
          tar.putArchiveEntry(entry);
          tar.closeArchiveEntry();
        } else {
          ObjectLoader blob = reader.open(tree.getObjectId(0));
          TarArchiveEntry entry = new TarArchiveEntry(path);
          entry.setMode(mode == FileMode.EXECUTABLE_FILE ? 0100755 : 0100644);
          entry.setSize(blob.getSize());
          entry.setModTime(time);
          tar.putArchiveEntry(entry);
          blob.copyTo(tar);
          tar.closeArchiveEntry();
        }
      }
      tar.finish();
      tar.flush();
    }
  }

  private static String linkTarget(ObjectReader reader, String path, ObjectId blob)
      throws IOException {
    // The size first, so that a large blob is never loaded whole.
    long size = reader.getObjectSize(blob, Constants.OBJ_BLOB);
    if (size > MAX_LINK_TARGET) {
      throw new LinkTargetException(path, size);
    }
    return new String(reader.open(blob, Constants.OBJ_BLOB).getBytes(), StandardCharsets.UTF_8);
  }
}
