package io.slipway.api.git;

import io.slipway.api.config.DataDirectory;
import io.slipway.api.fleet.Fleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The bare git repositories of fleets, in {@code DATA_DIR/git/<fleet id>.git}. Keyed by the fleet's
 * id rather than its name, so that a new fleet reusing a deleted one's name starts empty. A
 * repository is created when first opened, and its {@code HEAD} follows the fleet's deploy branch.
 * Safe for concurrent use.
 *
 * <p>NOTE: deleting a fleet leaves its repository on disk until an administrator removes it. The
 * fleet ids come from an identity column, which hands out new values, so a later fleet does not get
 * that repository.
 */
@Component
public class GitRepositories {

  private static final Logger log = LoggerFactory.getLogger(GitRepositories.class);

  private final Path root;

  public GitRepositories(DataDirectory dataDirectory) {
    this.root = dataDirectory.root().resolve("git");
  }

  /** Returns the directory of {@code fleet}'s repository, which may not exist yet. */
  public Path directoryOf(Fleet fleet) {
    return root.resolve(fleet.id() + ".git");
  }

  /** Returns a directory for temporary files of pushes, created when missing. */
  Path temporary() throws IOException {
    return Files.createDirectories(root.resolve("tmp"));
  }

  /**
   * Opens {@code fleet}'s repository, creating it when missing, with {@code HEAD} pointing at the
   * deploy branch. The caller closes it.
   *
   * @throws IOException when the repository cannot be created or read
   */
  public Repository open(Fleet fleet) throws IOException {
    Path directory = directoryOf(fleet);
    if (!Files.isDirectory(directory)) {
      create(fleet, directory);
    }
    Repository repository =
        new FileRepositoryBuilder()
            .setGitDir(directory.toFile())
            .setMustExist(true)
            .setBare()
            .build();
    try {
      pointHeadAt(repository, fleet.deployRef());
      return repository;
    } catch (IOException | RuntimeException e) {
      repository.close();
      throw e;
    }
  }

  private synchronized void create(Fleet fleet, Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    Files.createDirectories(root);
    Path partial = Files.createTempDirectory(root, "new-" + fleet.id() + "-");
    try (Git git =
        Git.init()
            .setBare(true)
            .setGitDir(partial.toFile())
            .setInitialBranch(fleet.deployBranch())
            .call()) {
      log.debug("Initialized {}", git.getRepository().getDirectory());
    } catch (GitAPIException e) {
      throw new IOException("Cannot create the git repository of fleet " + fleet.id(), e);
    }
    // Moved into place only when complete, so that no reader sees a half-made repository.
    Files.move(partial, directory);
    log.info("Git repository of fleet {} (id {}) created", fleet.repositoryPrefix(), fleet.id());
  }

  private static void pointHeadAt(Repository repository, String ref) throws IOException {
    Ref head = repository.exactRef(Constants.HEAD);
    if (head != null && head.isSymbolic() && head.getTarget().getName().equals(ref)) {
      return;
    }
    RefUpdate update = repository.updateRef(Constants.HEAD);
    update.disableRefLog();
    RefUpdate.Result result = update.link(ref);
    if (result != RefUpdate.Result.NEW
        && result != RefUpdate.Result.FORCED
        && result != RefUpdate.Result.NO_CHANGE) {
      throw new IOException("Cannot point HEAD of " + repository.getDirectory() + " at " + ref);
    }
  }
}
