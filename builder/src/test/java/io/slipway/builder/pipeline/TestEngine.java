package io.slipway.builder.pipeline;

import io.slipway.builder.BuildEngine;
import io.slipway.builder.BuildLog;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.BuildResult;
import io.slipway.builder.EngineException;
import io.slipway.builder.platform.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A build engine for pipeline tests, named {@code jib}: it "pushes" a manifest whose digest covers
 * the service, platform and resolved Dockerfile to a {@link FakeRegistry}. Per platform it can
 * instead fail, or hang as a build does when its process is killed. Safe for concurrent use.
 */
final class TestEngine implements BuildEngine {

  /** What a build for a platform does. */
  enum Behaviour {
    SUCCEED,
    FAIL,
    HANG
  }

  private final FakeRegistry registry;
  private final Map<Platform, Behaviour> behaviours = new ConcurrentHashMap<>();

  /** The partitions built, as {@code service@platform}, in call order. */
  final List<String> calls = new CopyOnWriteArrayList<>();

  /** Counted down when a build starts to hang. */
  final CountDownLatch hanging = new CountDownLatch(1);

  /** Counted down to let hanging builds end. */
  final CountDownLatch release = new CountDownLatch(1);

  TestEngine(FakeRegistry registry) {
    this.registry = registry;
  }

  TestEngine on(Platform platform, Behaviour behaviour) {
    behaviours.put(platform, behaviour);
    return this;
  }

  @Override
  public String name() {
    return "jib";
  }

  @Override
  public boolean runsCommands() {
    return false;
  }

  @Override
  public BuildResult build(BuildRequest request, BuildLog log) {
    calls.add(request.partition());
    log.line("Step 1/2 : reading " + request.dockerfile());
    String dockerfile = read(request);
    log.line("Step 2/2 : assembling " + request.platform());

    switch (behaviours.getOrDefault(request.platform(), Behaviour.SUCCEED)) {
      case FAIL -> throw new EngineException("COPY failed: file not found in build context: app");
      case HANG -> hang();
      case SUCCEED -> {}
    }

    String digest = FakeRegistry.sha256(request.partition() + "\n" + dockerfile);
    registry.pushManifest(request.destination().repository(), digest);
    return new BuildResult(
        request.platform(), digest, "application/vnd.oci.image.manifest.v1+json", 512);
  }

  private void hang() {
    hanging.countDown();
    boolean interrupted = false;
    while (release.getCount() > 0) {
      try {
        release.await();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    throw new EngineException("the process running this build was killed");
  }

  private static String read(BuildRequest request) {
    try {
      return Files.readString(request.dockerfilePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
