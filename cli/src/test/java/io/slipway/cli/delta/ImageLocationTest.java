package io.slipway.cli.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.delta.image.Digest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageLocationTest {

  private static final String HEX = "ab".repeat(32);

  @Test
  void layoutWithoutTag() {
    assertThat(ImageLocation.parse("oci:images/app"))
        .isEqualTo(new ImageLocation.Oci(Path.of("images/app"), null, null));
  }

  @Test
  void layoutWithTag() {
    assertThat(ImageLocation.parse("oci:/var/lib/images:1.2.0"))
        .isEqualTo(new ImageLocation.Oci(Path.of("/var/lib/images"), "1.2.0", null));
  }

  @Test
  void layoutWithDigest() {
    assertThat(ImageLocation.parse("oci:images@sha256:" + HEX))
        .isEqualTo(new ImageLocation.Oci(Path.of("images"), null, Digest.of("sha256:" + HEX)));
  }

  @Test
  void colonInsideDirectoryIsNotTag() {
    assertThat(ImageLocation.parse("oci:/mnt/c:/images"))
        .isEqualTo(new ImageLocation.Oci(Path.of("/mnt/c:/images"), null, null));
  }

  @Test
  void registryReference() {
    ImageLocation location = ImageLocation.parse("127.0.0.1:5000/acme/sensors/web:1.1");

    assertThat(location).isInstanceOf(ImageLocation.Registry.class);
    ImageLocation.Registry registry = (ImageLocation.Registry) location;
    assertThat(registry.reference().registry()).isEqualTo("127.0.0.1:5000");
    assertThat(registry.reference().repository()).isEqualTo("acme/sensors/web");
    assertThat(registry.reference().tag()).isEqualTo("1.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "oci:", "oci::1.0", "oci:images:", "oci:images@sha256:12", "web:1.0"})
  void invalidLocationNamesValueAndForms(String text) {
    assertThatThrownBy(() -> ImageLocation.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("oci:DIR[:TAG|@sha256:HEX]");
  }
}
