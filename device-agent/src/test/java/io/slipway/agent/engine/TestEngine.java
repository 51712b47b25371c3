package io.slipway.agent.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine on {@code /var/run/docker.sock} that the engine tests use, and the clean-up of
 * what they leave there. Under CI ({@code CI=true}) a missing engine fails the test; elsewhere it
 * skips it.
 */
final class TestEngine {

  /** The label on every container and volume these tests make. */
  static final String TEST_LABEL = "io.slipway.test";

  private TestEngine() {}

  /** Returns a client of the local engine after a ping to the engine succeeded. */
  static DockerClient require() {
    DockerClient client = DockerServiceRunner.client(DockerServiceRunner.DEFAULT_HOST);
    try {
      client.pingCmd().exec();
      return client;
    } catch (RuntimeException e) {
      String message =
          "No Docker engine answers on "
              + DockerServiceRunner.DEFAULT_HOST
              + " ("
              + e.getMessage()
              + "); start dockerd to run this";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(message + " (under CI, .ci/run must start it)", e);
      }
      Assumptions.abort(message);
      return client;
    }
  }

  /** Removes the test containers, volumes and images of the device {@code uuid}. */
  static void removeDevice(DockerClient client, String uuid) {
    Map<String, String> labels = Map.of(ContainerSpec.DEVICE_LABEL, uuid, TEST_LABEL, "true");
    List<Container> containers =
        client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec();
    for (Container container : containers) {
      client.removeContainerCmd(container.getId()).withForce(true).exec();
    }
    client
        .listVolumesCmd()
        .withFilter("label", List.of(ContainerSpec.DEVICE_LABEL + "=" + uuid, TEST_LABEL + "=true"))
        .exec()
        .getVolumes()
        .forEach(volume -> client.removeVolumeCmd(volume.getName()).exec());
    String prefix = "slipway/" + uuid.substring(0, 8) + "/";
    for (Image image : client.listImagesCmd().exec()) {
      for (String tag : image.getRepoTags() == null ? new String[0] : image.getRepoTags()) {
        if (tag.startsWith(prefix)) {
          client.removeImageCmd(tag).withForce(true).exec();
        }
      }
    }
  }
}
