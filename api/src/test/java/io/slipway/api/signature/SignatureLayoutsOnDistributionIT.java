package io.slipway.api.signature;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.registry.Descriptor;
import io.slipway.builder.registry.Manifest;
import io.slipway.builder.registry.MediaTypes;
import io.slipway.builder.registry.Referrer;
import io.slipway.builder.registry.RegistryClient;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.key.PemKeys;
import io.slipway.testing.registry.DistributionRegistry;
import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The signature layouts in Debian's {@code docker-registry} 2.8, which has no referrers API, so
 * bundles are listed by the fallback index at tag {@code sha256-HEX}. Skopeo and OpenSSL read the
 * classic layout back independently of Slipway's client.
 */
class SignatureLayoutsOnDistributionIT extends SignatureLayoutsContract {

  private static final String REPOSITORY = "acme/devices/web";

  @TempDir static Path directory;
  @TempDir static Path scratch;

  private DistributionRegistry registry;
  private RegistryClient client;

  @BeforeAll
  void startRegistry() throws Exception {
    registry = DistributionRegistry.start(directory);
    client = new RegistryClient(registry.host(), null, Duration.ofSeconds(30));
  }

  @AfterAll
  void stopRegistry() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  @Override
  RegistryClient client() {
    return client;
  }

  @Override
  String repository() {
    return REPOSITORY;
  }

  @Override
  List<String> referrers(Descriptor subject) {
    return client
        .findManifest(REPOSITORY, fallbackTag(subject))
        .map(index -> Referrer.listFrom(index.bytes()))
        .orElse(List.of())
        .stream()
        .filter(referrer -> Bundle.MEDIA_TYPE.equals(referrer.artifactType()))
        .map(Referrer::digest)
        .toList();
  }

  @Test
  void fallbackIndexListsTheReferrer() {
    Descriptor subject = pushImage();

    layouts.attachBundle(client, REPOSITORY, subject, SignatureFixtures.bundle("fallback"));

    assertThat(client.referrers(REPOSITORY, subject.digest(), null)).isEmpty();
    Manifest index = client.getManifest(REPOSITORY, fallbackTag(subject));
    assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    Referrer entry = Referrer.listFrom(index.bytes()).get(0);
    Manifest referrer = client.getManifest(REPOSITORY, entry.digest());
    assertThat(entry.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(entry.size()).isEqualTo(referrer.size());
    assertThat(entry.artifactType()).isEqualTo(Bundle.MEDIA_TYPE);
    assertThat(entry.annotations())
        .containsEntry("org.opencontainers.image.created", "2026-03-04T05:06:07Z");
  }

  @Test
  void fallbackIndexKeepsOtherEntries() {
    Descriptor subject = pushImage();
    Descriptor other = pushImage();
    String foreign =
        """
        {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","digest":"%s",\
        "size":%d,"artifactType":"application/vnd.example.sbom+json"}]}"""
            .formatted(MediaTypes.OCI_INDEX, other.mediaType(), other.digest(), other.size());
    client.putManifest(
        REPOSITORY,
        fallbackTag(subject),
        Manifest.of(MediaTypes.OCI_INDEX, foreign.getBytes(StandardCharsets.UTF_8)));

    layouts.attachBundle(client, REPOSITORY, subject, SignatureFixtures.bundle("beside"));

    List<Referrer> entries =
        Referrer.listFrom(client.getManifest(REPOSITORY, fallbackTag(subject)).bytes());
    assertThat(entries)
        .extracting(Referrer::artifactType)
        .containsExactly("application/vnd.example.sbom+json", Bundle.MEDIA_TYPE);
    assertThat(layouts.bundles(client, REPOSITORY, subject.digest())).hasSize(1);
  }

  @Test
  void skopeoReadsTheClassicManifest() throws Exception {
    Path skopeo = RequiredTool.require("/usr/bin/skopeo", "skopeo");
    Descriptor subject = pushImage();
    byte[] payload = SignatureFixtures.payload(REPOSITORY, subject.digest(), "skopeo");
    String signature = SignatureFixtures.sign(payload);
    layouts.attachSimpleSignature(client, REPOSITORY, subject.digest(), payload, signature);

    String raw =
        run(
            skopeo.toString(),
            "inspect",
            "--raw",
            "--tls-verify=false",
            "docker://" + registry.host() + "/" + REPOSITORY + ":" + classicTag(subject));

    JsonNode manifest = JSON.readTree(raw);
    assertThat(manifest.path("mediaType").asString()).isEqualTo(MediaTypes.OCI_MANIFEST);
    JsonNode layer = manifest.path("layers").get(0);
    assertThat(layer.path("mediaType").asString())
        .isEqualTo("application/vnd.dev.cosign.simplesigning.v1+json");
    assertThat(layer.path("digest").asString()).isEqualTo(Manifest.sha256(payload));
    assertThat(layer.path("annotations").path("dev.cosignproject.cosign/signature").asString())
        .isEqualTo(signature);
  }

  @Test
  void opensslVerifiesThePulledSignature() throws Exception {
    Path skopeo = RequiredTool.require("/usr/bin/skopeo", "skopeo");
    Path openssl = RequiredTool.require("/usr/bin/openssl", "openssl");
    Descriptor subject = pushImage();
    byte[] payload = SignatureFixtures.payload(REPOSITORY, subject.digest(), "openssl");
    layouts.attachSimpleSignature(
        client, REPOSITORY, subject.digest(), payload, SignatureFixtures.sign(payload));
    Path pulled = scratch.resolve("pulled-" + subject.digest().substring(7, 19));

    run(
        skopeo.toString(),
        "copy",
        "--src-tls-verify=false",
        "docker://" + registry.host() + "/" + REPOSITORY + ":" + classicTag(subject),
        "dir:" + pulled);

    JsonNode layer = JSON.readTree(pulled.resolve("manifest.json").toFile()).path("layers").get(0);
    Path blob = pulled.resolve(layer.path("digest").asString().substring("sha256:".length()));
    Path signature = scratch.resolve(blob.getFileName() + ".sig");
    Files.write(
        signature,
        Base64.getDecoder()
            .decode(
                layer.path("annotations").path("dev.cosignproject.cosign/signature").asString()));

    CommandResult verified = opensslVerify(openssl, signature, blob);

    assertThat(Files.readAllBytes(blob)).isEqualTo(payload);
    assertThat(verified.exitValue()).as(verified.output()).isZero();
    assertThat(verified.output().strip()).isEqualTo("Verified OK");
  }

  @Test
  void opensslRejectsATamperedPayload() throws Exception {
    Path openssl = RequiredTool.require("/usr/bin/openssl", "openssl");
    Descriptor subject = pushImage();
    byte[] payload = SignatureFixtures.payload(REPOSITORY, subject.digest(), "tampered");
    layouts.attachSimpleSignature(
        client, REPOSITORY, subject.digest(), payload, SignatureFixtures.sign(payload));
    ClassicSignature stored = layouts.simpleSignatures(client, REPOSITORY, subject.digest()).get(0);
    Path tampered = scratch.resolve("tampered.json");
    Files.writeString(
        tampered,
        new String(stored.payload(), StandardCharsets.UTF_8).replace("tampered", "tampereD"));
    Path signature = scratch.resolve("tampered.sig");
    Files.write(signature, stored.signature());

    CommandResult verified = opensslVerify(openssl, signature, tampered);

    assertThat(verified.exitValue()).as(verified.output()).isNotZero();
    assertThat(verified.output()).contains("Verification failure");
  }

  private static String fallbackTag(Descriptor subject) {
    return subject.digest().replace(':', '-');
  }

  /** Runs {@code openssl dgst -sha256 -verify} with the fixtures' public key. */
  private static CommandResult opensslVerify(Path openssl, Path signature, Path file)
      throws IOException, InterruptedException {
    Path publicKey = scratch.resolve("signer.pem");
    Files.writeString(publicKey, PemKeys.publicKeyPem(SignatureFixtures.SIGNER.publicKey()));
    return execute(
        openssl.toString(),
        "dgst",
        "-sha256",
        "-verify",
        publicKey.toString(),
        "-signature",
        signature.toString(),
        file.toString());
  }

  /** Runs a command, returning its output, and fails the test with the output when it fails. */
  private static String run(String... command) throws IOException, InterruptedException {
    CommandResult result = execute(command);
    assertThat(result.exitValue()).as(String.join(" ", command) + "\n" + result.output()).isZero();
    return result.output();
  }

  private static CommandResult execute(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
    return new CommandResult(process.exitValue(), output);
  }

  /** A finished command's exit status and its standard output and error, interleaved. */
  private record CommandResult(int exitValue, String output) {}
}
