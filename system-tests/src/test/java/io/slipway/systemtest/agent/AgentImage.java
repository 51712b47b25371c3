package io.slipway.systemtest.agent;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.DockerDaemonImage;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import io.slipway.systemtest.docker.DockerCli;
import io.slipway.systemtest.process.ExternalCommand;
import io.slipway.systemtest.server.WorkDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The device agent's container image, made as a device vendor would ship it but without pulling
 * anything: a Java runtime base image imported into the engine from {@link JreRootFilesystem}, and
 * on top of it, built by Jib-core straight into the engine, one layer with the agent's dependency
 * jars and one with the agent's jar. The entry point runs the agent with a device's JVM options and
 * environment ({@link AgentJvm}); the container's command picks {@code run} and its options.
 *
 * <p>Both images carry the label {@value #TEST_LABEL}{@code =true}; {@link #remove} deletes them.
 */
final class AgentImage {

  /** The label on every image and container that agent tests create. */
  static final String TEST_LABEL = "io.slipway.test";

  /** The Java runtime base image, imported from a local root filesystem. */
  static final String BASE = "local/slipway-jre:17";

  /** The agent's image. */
  static final String NAME = "slipway/device-agent:test";

  private static final String APP = "/app";

  private AgentImage() {}

  /**
   * Imports the base image and builds the agent's image on it into the engine, replacing earlier
   * ones, and returns the agent image's name.
   *
   * @throws Exception when the engine or Jib fails
   */
  static String build(DockerCli docker, AgentJars jars) throws Exception {
    importBase(docker, jars);

    AgentJvm jvm = AgentJvm.load();
    JibContainerBuilder builder =
        Jib.from(DockerDaemonImage.named(BASE))
            .addFileEntriesLayer(layer("dependencies", jars.dependencies(), APP + "/libs"))
            .addFileEntriesLayer(layer("agent", List.of(jars.agent()), APP))
            .setEntrypoint(entrypoint(jars, jvm))
            .addLabel(TEST_LABEL, "true");
    jvm.environment().forEach(builder::addEnvironmentVariable);
    Path cache = WorkDirectory.root().resolve("jib-cache");
    builder.containerize(
        Containerizer.to(DockerDaemonImage.named(NAME))
            .setBaseImageLayersCache(cache.resolve("base"))
            .setApplicationLayersCache(cache.resolve("application"))
            .setToolName("slipway-system-tests"));
    return NAME;
  }

  private static void importBase(DockerCli docker, AgentJars jars) {
    Path root = JreRootFilesystem.make(jars.dependencies());
    Path archive = root.resolveSibling("jre-root.tar");
    ExternalCommand.of(
            "tar", "--numeric-owner", "-C", root.toString(), "-cf", archive.toString(), ".")
        .run()
        .assertSucceeded();
    docker
        .run(
            "import",
            "--change",
            "LABEL " + TEST_LABEL + "=true",
            "--change",
            "ENV JAVA_HOME=" + JreRootFilesystem.JAVA_HOME,
            archive.toString(),
            BASE)
        .assertSucceeded();
  }

  private static FileEntriesLayer layer(String name, List<Path> jars, String directory) {
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
    for (Path jar : jars) {
      layer.addEntry(jar, AbsoluteUnixPath.get(directory + "/" + jar.getFileName()));
    }
    return layer.build();
  }

  private static List<String> entrypoint(AgentJars jars, AgentJvm jvm) {
    List<String> entrypoint = new ArrayList<>();
    entrypoint.add(JreRootFilesystem.JAVA_HOME + "/bin/java");
    entrypoint.addAll(jvm.options());
    entrypoint.add("-cp");
    entrypoint.add(APP + "/libs/*:" + APP + "/" + jars.agent().getFileName());
    entrypoint.add(AgentJars.MAIN_CLASS);
    return entrypoint;
  }

  /** Removes the agent image and the base image; missing ones are fine. */
  static void remove(DockerCli docker) {
    docker.run("rmi", "--force", NAME);
    docker.run("rmi", "--force", BASE);
  }
}
