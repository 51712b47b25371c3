package io.slipway.api.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeArchiveTest {

  /** Commit time of every fixture commit, seconds since the epoch. */
  private static final int COMMIT_TIME = 1_700_000_000;

  @TempDir Path directory;
  private Repository repository;
  private ObjectInserter inserter;

  @BeforeEach
  void createRepository() throws IOException {
    repository = new FileRepositoryBuilder().setGitDir(directory.toFile()).setBare().build();
    repository.create(true);
    inserter = repository.newObjectInserter();
  }

  @AfterEach
  void closeRepository() {
    inserter.close();
    repository.close();
  }

  @Test
  void filesKeepTheirModesAndContent() throws IOException {
    TreeFormatter tree = new TreeFormatter();
    tree.append("Dockerfile", FileMode.REGULAR_FILE, blob("FROM scratch\n"));
    tree.append("run.sh", FileMode.EXECUTABLE_FILE, blob("echo hi\n"));

    List<Entry> entries = archive(commit(tree));

    assertThat(entries)
        .containsExactly(
            new Entry("Dockerfile", 0100644, false, "", "FROM scratch\n"),
            new Entry("run.sh", 0100755, false, "", "echo hi\n"));
  }

  @Test
  void directoriesComeBeforeTheirFiles() throws IOException {
    TreeFormatter web = new TreeFormatter();
    web.append("index.html", FileMode.REGULAR_FILE, blob("<p>hi</p>"));
    TreeFormatter tree = new TreeFormatter();
    tree.append("web", FileMode.TREE, inserter.insert(web));

    List<Entry> entries = archive(commit(tree));

    assertThat(entries).extracting(Entry::name).containsExactly("web/", "web/index.html");
  }

  @Test
  void symbolicLinksStayLinks() throws IOException {
    TreeFormatter tree = new TreeFormatter();
    tree.append("current", FileMode.SYMLINK, blob("releases/2"));

    List<Entry> entries = archive(commit(tree));

    assertThat(entries).containsExactly(new Entry("current", 0120777, true, "releases/2", ""));
  }

  @Test
  void entriesCarryTheCommitTime() throws IOException {
    TreeFormatter tree = new TreeFormatter();
    tree.append("a.txt", FileMode.REGULAR_FILE, blob("a"));

    byte[] tar = tar(commit(tree));

    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      assertThat(in.getNextEntry().getModTime().getTime()).isEqualTo(COMMIT_TIME * 1000L);
    }
  }

  @Test
  void submoduleIsRejectedByPath() throws IOException {
    TreeFormatter tree = new TreeFormatter();
    tree.append("vendor", FileMode.GITLINK, ObjectId.fromString("ab".repeat(20)));
    ObjectId commit = commit(tree);

    assertThatThrownBy(() -> tar(commit))
        .isInstanceOf(TreeArchive.SubmoduleException.class)
        .hasMessageContaining("'vendor' is a git submodule");
  }

  @Test
  void longLinkTargetIsRejected() throws IOException {
    TreeFormatter tree = new TreeFormatter();
    tree.append("current", FileMode.SYMLINK, blob("x".repeat(8192)));
    ObjectId commit = commit(tree);

    assertThatThrownBy(() -> tar(commit))
        .isInstanceOf(TreeArchive.LinkTargetException.class)
        .hasMessageContaining("symbolic link 'current' has a target of 8192 bytes");
  }

  @Test
  void longestAllowedLinkTargetIsKept() throws IOException {
    String target = "a/".repeat(2047) + "b";
    TreeFormatter tree = new TreeFormatter();
    tree.append("deep", FileMode.SYMLINK, blob(target));

    List<Entry> entries = archive(commit(tree));

    assertThat(entries).extracting(Entry::target).containsExactly(target);
  }

  /** One archive entry as the tests compare it. */
  record Entry(String name, int mode, boolean link, String target, String content) {}

  private ObjectId blob(String content) throws IOException {
    return inserter.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
  }

  private ObjectId commit(TreeFormatter tree) throws IOException {
    PersonIdent author = new PersonIdent("Dev", "dev@example.test", COMMIT_TIME * 1000L, 0);
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(inserter.insert(tree));
    commit.setAuthor(author);
    commit.setCommitter(author);
    commit.setMessage("Fixture\n");
    ObjectId id = inserter.insert(commit);
    inserter.flush();
    return id;
  }

  private byte[] tar(ObjectId commit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TreeArchive.write(repository, commit, out);
    return out.toByteArray();
  }

  private List<Entry> archive(ObjectId commit) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(tar(commit)))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        String content =
            entry.isFile() ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : "";
        entries.add(
            new Entry(
                entry.getName(),
                entry.isSymbolicLink() ? 0120777 : entry.getMode(),
                entry.isSymbolicLink(),
                entry.getLinkName(),
                content));
      }
    }
    return entries;
  }
}
