package io.slipway.api.control.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerKeystoreTest {

  @TempDir Path directory;

  @Test
  void generatedCertificateNamesHosts() throws Exception {
    BrokerKeystore keystore = generate(List.of("localhost", "127.0.0.1", "slipway.example"));

    assertThat(keystore.certificate().getSubjectAlternativeNames())
        .extracting(name -> String.valueOf(name.get(1)))
        .containsExactlyInAnyOrder("localhost", "127.0.0.1", "slipway.example");
  }

  @Test
  void generatedKeyIsEcP256() throws Exception {
    BrokerKeystore keystore = generate(List.of("localhost"));

    assertThat(keystore.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(keystore.certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
  }

  @Test
  void generatedFilesAreOwnerOnly() throws Exception {
    BrokerKeystore keystore = generate(List.of("localhost"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore.file())))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(passwordFile(keystore.file()))))
        .isEqualTo("rw-------");
  }

  @Test
  void secondStartKeepsCertificate() throws Exception {
    BrokerKeystore first = generate(List.of("localhost"));

    BrokerKeystore second = generate(List.of("localhost"));

    assertThat(second.certificate()).isEqualTo(first.certificate());
  }

  @Test
  void newHostRegeneratesCertificate() throws Exception {
    BrokerKeystore first = generate(List.of("localhost"));

    BrokerKeystore second = generate(List.of("localhost", "slipway.example"));

    assertThat(second.certificate()).isNotEqualTo(first.certificate());
  }

  @Test
  void configuredKeystoreLoadsWithPassword() throws Exception {
    BrokerKeystore generated = generate(List.of("localhost"));

    BrokerKeystore loaded = BrokerKeystore.load(generated.file(), generated.password());

    assertThat(loaded.certificate()).isEqualTo(generated.certificate());
  }

  @Test
  void wrongPasswordNamesSetting() throws Exception {
    BrokerKeystore generated = generate(List.of("localhost"));

    assertThatThrownBy(() -> BrokerKeystore.load(generated.file(), "wrong"))
        .isInstanceOf(ControlBrokerException.class)
        .hasMessageContaining("slipway.control.embedded.keystore '" + generated.file() + "'");
  }

  @Test
  void missingKeystoreNamesSetting() {
    Path missing = directory.resolve("missing.p12");

    assertThatThrownBy(() -> BrokerKeystore.load(missing, "secret"))
        .isInstanceOf(ControlBrokerException.class)
        .hasMessageContaining("slipway.control.embedded.keystore '" + missing + "'");
  }

  @Test
  void toStringLeavesPasswordOut() throws Exception {
    BrokerKeystore keystore = generate(List.of("localhost"));

    assertThat(keystore.toString()).doesNotContain(keystore.password());
  }

  private BrokerKeystore generate(List<String> hosts) {
    return BrokerKeystore.loadOrGenerate(directory.resolve("keys/control-broker.p12"), hosts);
  }

  private static Path passwordFile(Path keystore) {
    return keystore.resolveSibling(keystore.getFileName() + ".password");
  }
}
