package io.slipway.api.git;

import io.slipway.api.build.BuildService;
import io.slipway.api.build.BuilderProperties;
import io.slipway.api.error.ApiException;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Identity;
import io.slipway.api.release.BuildLogLine;
import io.slipway.api.release.Release;
import io.slipway.api.release.ReleaseService;
import io.slipway.api.release.ReleaseServiceImage;
import io.slipway.api.release.ReleaseStatus;
import io.slipway.api.release.ReleaseView;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Builds a pushed commit of a fleet's deploy branch and follows the build until its release is
 * final, reporting to the push. The commit's tree goes through {@link BuildService} as a tar
 * upload, so every check, limit and audit of an uploaded source applies. Safe for concurrent use. A
 * call blocks its thread until the release is final, unless {@link
 * GitProperties#maxFollowingPushes()} calls already do: then it returns once the build started.
 */
@Component
class DeployBuild {

  /** How often the release's log is read while it builds. */
  static final Duration POLL = Duration.ofMillis(500);

  private static final Logger log = LoggerFactory.getLogger(DeployBuild.class);
  private static final int LOG_PAGE = 500;

  private final BuildService builds;
  private final ReleaseService releases;
  private final ReleaseOfCommit releaseOfCommit;
  private final GitRepositories repositories;
  private final BuilderProperties properties;
  private final Semaphore following;

  DeployBuild(
      BuildService builds,
      ReleaseService releases,
      ReleaseOfCommit releaseOfCommit,
      GitRepositories repositories,
      BuilderProperties properties,
      GitProperties git) {
    this.builds = builds;
    this.releases = releases;
    this.releaseOfCommit = releaseOfCommit;
    this.repositories = repositories;
    this.properties = properties;
    this.following = new Semaphore(git.maxFollowingPushes());
  }

  /**
   * Builds {@code commit} of {@code fleet} and reports to {@code messages} until the release is
   * final, or only until it started when too many pushes follow builds already.
   *
   * @return the short reason git shows next to the rejected branch when the build failed or did not
   *     start. Empty when it succeeded or there was nothing to build.
   */
  Optional<String> run(
      Identity who,
      Fleet fleet,
      Repository repository,
      ObjectId commit,
      PushOptions options,
      PushMessages messages) {
    String sha = commit.name();
    Optional<ReleaseOfCommit.Found> existing = releaseOfCommit.find(fleet.id(), sha);
    if (existing.isPresent()) {
      ReleaseOfCommit.Found found = existing.get();
      messages.send(
          "Commit "
              + sha.substring(0, 12)
              + " is already release "
              + found.id()
              + " ("
              + found.version()
              + ", "
              + found.status()
              + "): nothing to build");
      return Optional.empty();
    }

    Release release;
    try {
      release = start(who, fleet, repository, commit, options);
    } catch (TreeArchive.SubmoduleException e) {
      messages.send("Not built: " + e.getMessage());
      return Optional.of("not built: the commit holds a submodule");
    } catch (TreeArchive.LinkTargetException e) {
      log.info("Fleet {}: commit {} not built: {}", fleet.repositoryPrefix(), sha, e.getMessage());
      messages.send("Not built: " + e.getMessage());
      return Optional.of("not built: a symbolic link target is too long");
    } catch (ApiException e) {
      messages.send("Not built: " + e.getMessage());
      return Optional.of("not built: " + e.code());
    } catch (IOException e) {
      log.error("Fleet {}: cannot read commit {} to build it", fleet.repositoryPrefix(), sha, e);
      messages.send("Not built: the server cannot read commit " + sha + ": " + e.getMessage());
      return Optional.of("not built: server error");
    } catch (RuntimeException e) {
      log.error(
          "Fleet {}: starting the build of commit {} failed", fleet.repositoryPrefix(), sha, e);
      messages.send("Not built: the server failed to build commit " + sha + "; see its log");
      return Optional.of("not built: server error");
    }
    log.info(
        "Push by '{}' to {} of fleet {} started release {} from commit {}",
        who.subject(),
        fleet.deployBranch(),
        fleet.repositoryPrefix(),
        release.id(),
        sha);
    messages.send(
        "Building commit "
            + sha.substring(0, 12)
            + " as release "
            + release.id()
            + " (version "
            + release.version()
            + ")");
    if (!following.tryAcquire()) {
      messages.send(
          "Release "
              + release.id()
              + " ("
              + release.version()
              + ") is building; follow it with `slipway release follow "
              + release.id()
              + "`");
      return Optional.empty();
    }
    try {
      return follow(release.id(), options, messages);
    } catch (RuntimeException e) {
      log.error(
          "Fleet {}: following release {} of commit {} failed",
          fleet.repositoryPrefix(),
          release.id(),
          sha,
          e);
      messages.send(
          "The server cannot follow release "
              + release.id()
              + " any longer; follow it with `slipway release follow "
              + release.id()
              + "`");
      return Optional.of("server error while following release " + release.id());
    } finally {
      following.release();
    }
  }

  private Release start(
      Identity who, Fleet fleet, Repository repository, ObjectId commit, PushOptions options)
      throws IOException {
    long limit = properties.maxSourceSize().toBytes();
    Path archive = Files.createTempFile(repositories.temporary(), "source-", ".tar");
    try {
      try (OutputStream out = new CappedOutputStream(Files.newOutputStream(archive), limit)) {
        TreeArchive.write(repository, commit, out);
      } catch (CappedOutputStream.TooLarge e) {
        // Passed on with a size over the limit, so BuildService rejects it and names the limit.
        return startWith(who, fleet, commit, options, InputStream.nullInputStream(), e.size);
      }
      try (InputStream in = Files.newInputStream(archive)) {
        return startWith(who, fleet, commit, options, in, Files.size(archive));
      }
    } finally {
      Files.deleteIfExists(archive);
    }
  }

  private Release startWith(
      Identity who, Fleet fleet, ObjectId commit, PushOptions options, InputStream in, long size) {
    BuildService.BuildParameters parameters =
        new BuildService.BuildParameters(
            commit.name(), options.version(), options.engine(), options.noCache());
    return builds.start(
        who, fleet, parameters, new BuildService.Upload(in, "application/x-tar", size));
  }

  private Optional<String> follow(long releaseId, PushOptions options, PushMessages messages) {
    BuildProgress progress = new BuildProgress(options.fullLog());
    long after = 0;
    while (true) {
      Release release = releases.require(releaseId);
      List<BuildLogLine> lines;
      do {
        lines = releases.logs(releaseId, after, LOG_PAGE);
        for (BuildLogLine line : lines) {
          progress.accept(line).forEach(messages::send);
          after = line.id();
        }
      } while (lines.size() == LOG_PAGE);
      if (release.status().isFinal()) {
        return outcome(releaseId, messages);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        messages.send("The server is stopping; release " + releaseId + " goes on building");
        return Optional.empty();
      }
    }
  }

  private Optional<String> outcome(long releaseId, PushMessages messages) {
    ReleaseView view = releases.view(releaseId);
    Release release = view.release();
    messages.send("Release " + releaseId + " " + release.version() + ": " + release.status());
    for (ReleaseServiceImage service : view.services()) {
      if (service.hasImage()) {
        messages.send("  " + service.service() + ": " + service.image());
      }
    }
    if (release.status() == ReleaseStatus.SUCCESS) {
      return Optional.empty();
    }
    return Optional.of("build failed: release " + releaseId + " " + release.status());
  }

  /** Counts what passes through and fails once more than a limit was written. */
  static final class CappedOutputStream extends FilterOutputStream {

    /** More than the limit was written. */
    static final class TooLarge extends IOException {
      final long size;

      TooLarge(long size) {
        super("more than " + size + " bytes");
        this.size = size;
      }
    }

    private final long limit;
    private long written;

    CappedOutputStream(OutputStream out, long limit) {
      super(out);
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      count(1);
      out.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      count(length);
      out.write(bytes, offset, length);
    }

    private void count(int length) throws IOException {
      written += length;
      if (written > limit) {
        throw new TooLarge(written);
      }
    }
  }
}
