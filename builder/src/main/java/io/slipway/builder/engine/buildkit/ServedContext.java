package io.slipway.builder.engine.buildkit;

import io.slipway.builder.context.FileTrees;
import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A build context that a {@link ContextGitServer} serves for one build. Its URL is a secret for as
 * long as it is open; {@link #close} stops serving it and deletes the repository. Not shared
 * between threads.
 */
public final class ServedContext implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServedContext.class);

  private final ContextGitServer server;
  private final String name;
  private final Path gitDir;
  private final Repository repository;
  private final String url;
  String commit;

  ServedContext(
      ContextGitServer server, String name, Path gitDir, Repository repository, String url) {
    this.server = server;
    this.name = name;
    this.gitDir = gitDir;
    this.repository = repository;
    this.url = url;
  }

  /** Returns the repository's URL, {@code http://127.0.0.1:PORT/ctx/<64 hex>.git}. */
  public String url() {
    return url;
  }

  /** Returns the random part of the URL, which logs must not show. */
  String secret() {
    return name;
  }

  /** Returns the branch to fetch. */
  public String ref() {
    return ContextGitServer.BRANCH;
  }

  /** Returns the id of the one commit the repository holds. */
  public String commit() {
    return commit;
  }

  /** Returns the context as BuildKit's dockerfile frontend takes it: {@code URL#ref}. */
  public String buildKitContext() {
    return url + "#" + ref();
  }

  /** Stops serving the repository and deletes it. Idempotent. */
  @Override
  public void close() {
    server.unpublish(name);
    repository.close();
    try {
      FileTrees.delete(gitDir);
    } catch (IOException e) {
      log.warn("Build context repository {} was not fully deleted: {}", gitDir, e.toString());
    }
  }

  /** Hides the URL: it grants read access to the build context while open. */
  @Override
  public String toString() {
    return "ServedContext[commit=" + commit + "]";
  }
}
