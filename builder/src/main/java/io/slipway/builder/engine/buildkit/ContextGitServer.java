package io.slipway.builder.engine.buildkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.slipway.builder.EngineException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser.PacketLineOutRefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves build contexts to BuildKit as git repositories over smart HTTP (protocol v0, fetch only).
 *
 * <p>Why: the BuildKit embedded in a Docker engine fetches a build context itself, and without a
 * client session the only source it can fetch from is a URL; it treats a URL ending in {@code .git}
 * as a git remote and runs {@code git} against it. So each build {@linkplain #publish publishes}
 * its context directory as a bare repository with one commit, under a path holding 32 random bytes
 * ({@code /ctx/<64 hex digits>.git}). That URL works as a capability: it is valid for one build
 * only, is served only on 127.0.0.1 (the engine shares the host's network), and disappears with the
 * repository when the build closes its {@link ServedContext}. Unknown paths get 404; nothing can be
 * pushed.
 *
 * <p>The commit's author, committer and time come from the build's creation time, so identical
 * contexts give identical commit ids, and BuildKit, which keys its cache of git sources by commit
 * id, reuses its cached work.
 *
 * <p>NOTE: BuildKit also keeps, per URL it fetched, a clone and a checkout in its build cache, and
 * the embedded BuildKit has no cache collection policy. Since every build gets a new URL, each
 * build leaves about two copies of its context there until the build cache is pruned.
 *
 * <p>Thread-safe: builds publish and close their contexts concurrently.
 */
public final class ContextGitServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ContextGitServer.class);

  /** The branch of each served repository; the context URL names it as the ref to fetch. */
  public static final String BRANCH = "context";

  private static final Pattern PATH =
      Pattern.compile("/ctx/([0-9a-f]{64})\\.git/(info/refs|git-upload-pack)");
  private static final String SERVICE = "git-upload-pack";

  private final HttpServer server;
  private final ExecutorService threads;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Repository> repositories = new ConcurrentHashMap<>();

  private ContextGitServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /**
   * Starts a server on 127.0.0.1 on a free port.
   *
   * @throws EngineException when no loopback port can be bound
   */
  public static ContextGitServer start() {
    AtomicInteger counter = new AtomicInteger();
    ExecutorService threads =
        Executors.newFixedThreadPool(
            4,
            task -> {
              Thread thread = new Thread(task, "context-git-" + counter.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      ContextGitServer git = new ContextGitServer(server, threads);
      server.createContext("/ctx/", git::handle);
      server.setExecutor(threads);
      server.start();
      log.info("Build context git server listening on {}", git.baseUrl());
      return git;
    } catch (IOException e) {
      threads.shutdownNow();
      throw new EngineException(
          "Cannot bind a loopback port for the build context server: " + e, e);
    }
  }

  /** Returns {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    InetSocketAddress address = server.getAddress();
    return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  /**
   * Commits {@code directory} into a new bare repository made at {@code created} and serves it
   * until the returned context is closed.
   *
   * @throws EngineException when the directory cannot be read or the repository not written
   */
  public ServedContext publish(Path directory, Instant created) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String name = HexFormat.of().formatHex(secret);
    Path gitDir;
    Repository repository;
    try {
      gitDir = Files.createTempDirectory("slipway-context-");
      repository = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setBare().build();
      repository.create(true);
    } catch (IOException e) {
      throw new EngineException("Cannot create a git repository for the build context: " + e, e);
    }
    ServedContext served =
        new ServedContext(this, name, gitDir, repository, baseUrl() + "/ctx/" + name + ".git");
    try {
      ObjectId commit;
      try (ObjectInserter inserter = repository.newObjectInserter()) {
        commit = ContextCommit.write(inserter, directory, created);
      }
      point(repository, commit);
      served.commit = commit.name();
    } catch (RuntimeException | IOException e) {
      served.close();
      throw e instanceof EngineException engine
          ? engine
          : new EngineException("Cannot write the build context repository: " + e, e);
    }
    repositories.put(name, repository);
    return served;
  }

  private static void point(Repository repository, ObjectId commit) throws IOException {
    RefUpdate branch = repository.updateRef(Constants.R_HEADS + BRANCH);
    branch.setNewObjectId(commit);
    branch.setForceUpdate(true);
    RefUpdate.Result result = branch.update();
    if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED) {
      throw new IOException("branch update ended with " + result);
    }
    RefUpdate head = repository.updateRef(Constants.HEAD);
    head.link(Constants.R_HEADS + BRANCH);
  }

  void unpublish(String name) {
    repositories.remove(name);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Matcher matcher = PATH.matcher(exchange.getRequestURI().getPath());
      Repository repository = matcher.matches() ? repositories.get(matcher.group(1)) : null;
      if (repository == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      boolean advertise = matcher.group(2).equals("info/refs");
      String method = exchange.getRequestMethod();
      if (advertise && method.equals("GET") && asksForUploadPack(exchange)) {
        advertise(exchange, repository);
      } else if (!advertise && method.equals("POST")) {
        upload(exchange, repository);
      } else {
        exchange.sendResponseHeaders(advertise ? 403 : 405, -1);
      }
    } catch (IOException | RuntimeException e) {
      log.warn(
          "Build context git server failed to respond to {} {}: {}",
          exchange.getRequestMethod(),
          exchange.getRequestURI().getPath().replaceAll("[0-9a-f]{64}", "<secret>"),
          e.toString());
    }
  }

  private static boolean asksForUploadPack(HttpExchange exchange) {
    String query = exchange.getRequestURI().getRawQuery();
    return query != null && query.matches("(.*&)?service=" + SERVICE + "(&.*)?");
  }

  private static void advertise(HttpExchange exchange, Repository repository) throws IOException {
    exchange
        .getResponseHeaders()
        .set("Content-Type", "application/x-" + SERVICE + "-advertisement");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream body = exchange.getResponseBody()) {
      PacketLineOut packets = new PacketLineOut(body);
      packets.writeString("# service=" + SERVICE + "\n");
      packets.end();
      UploadPack upload = new UploadPack(repository);
      upload.setBiDirectionalPipe(false);
      upload.sendAdvertisedRefs(new PacketLineOutRefAdvertiser(packets));
    }
  }

  private static void upload(HttpExchange exchange, Repository repository) throws IOException {
    InputStream in = new SkipByReading(exchange.getRequestBody());
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/x-" + SERVICE + "-result");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream body = exchange.getResponseBody()) {
      UploadPack upload = new UploadPack(repository);
      upload.setBiDirectionalPipe(false);
      upload.upload(in, body, null);
    }
  }

  /**
   * Skips by reading. The JDK server's request body streams inherit {@code skip} from {@code
   * FilterInputStream}, which skips on the raw connection past the body's end and then blocks;
   * UploadPack skips the rest of the request when it is done.
   */
  private static final class SkipByReading extends FilterInputStream {

    SkipByReading(InputStream in) {
      super(in);
    }

    @Override
    public long skip(long count) throws IOException {
      byte[] buffer = new byte[8192];
      long skipped = 0;
      while (skipped < count) {
        int read = in.read(buffer, 0, (int) Math.min(buffer.length, count - skipped));
        if (read < 0) {
          break;
        }
        skipped += read;
      }
      return skipped;
    }
  }

  /** Stops the server. Contexts still published are no longer served; their owners delete them. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
