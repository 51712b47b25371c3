package io.slipway.signing.independent;

import static io.slipway.signing.TestKeys.NOW;
import static io.slipway.signing.TestKeys.SIGNED_AT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.slipway.signing.Signer;
import io.slipway.signing.TestKeys;
import io.slipway.signing.VerificationException;
import io.slipway.signing.bundle.Bundle;
import io.slipway.signing.bundle.BundleSigner;
import io.slipway.signing.bundle.BundleVerifier;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.image.ImageStatements;
import io.slipway.signing.intoto.Statement;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.LocalSigner;
import io.slipway.signing.key.PemKeys;
import io.slipway.signing.release.ReleaseDocument;
import io.slipway.signing.release.ServiceImage;
import io.slipway.signing.simplesigning.SimpleSignature;
import io.slipway.signing.simplesigning.SimpleSigning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks Slipway's signatures with verifiers that share no code with it: {@code @sigstore/verify}
 * (Node.js, offline, trusting a map of public keys by hint) for bundles, and {@code openssl} for
 * simple-signing payloads, raw file signatures and key hints. Good signatures must pass and
 * tampered ones must fail in both the independent verifier and Slipway's own.
 *
 * <p>The Node.js project lies where the system property {@value #NODE_PROJECT_PROPERTY} points (set
 * by failsafe) and needs {@code npm ci --prefix signing/src/test/node} first. With {@code CI=true}
 * a missing tool fails the test; elsewhere the test is skipped.
 */
class IndependentVerifierIT {

  static final String NODE_PROJECT_PROPERTY = "slipway.signing.node-project";

  private static final String NPM_CI = "npm ci --prefix signing/src/test/node";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String REPOSITORY = "acme/gateways/web";
  private static final String MANIFEST_DIGEST = "sha256:" + "3c".repeat(32);
  private static final String INDEX = "application/vnd.oci.image.index.v1+json";

  @TempDir Path dir;

  // @sigstore/verify: message signatures

  @Test
  void ecdsaMessageSignatureIsAccepted() throws Exception {
    Signer signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Path artifact = Files.write(dir.resolve("delta.bin"), deltaBytes());
    Bundle bundle = BundleSigner.signFile(signer, artifact);

    Result result = sigstoreVerify(bundle, keyMap(signer), artifact);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("verifies");
    BundleVerifier.verifyFile(bundle, artifact, TestKeys.trusting(signer), SIGNED_AT, NOW);
  }

  @Test
  void tamperedArtifactIsRejected() throws Exception {
    Signer signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Bundle bundle = BundleSigner.signFile(signer, deltaBytes());
    byte[] tampered = deltaBytes();
    tampered[100] ^= 0x40;
    Path artifact = Files.write(dir.resolve("tampered.bin"), tampered);

    Result result = sigstoreVerify(bundle, keyMap(signer), artifact);

    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("[SIGNATURE_ERROR]");
    assertThatThrownBy(
            () ->
                BundleVerifier.verifyFile(
                    bundle, artifact, TestKeys.trusting(signer), SIGNED_AT, NOW))
        .isInstanceOf(VerificationException.class);
  }

  @Test
  void messageSignatureByOtherKeyIsRejected() throws Exception {
    Signer signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Signer trusted = LocalSigner.generate(KeyAlgorithm.ECDSA_P256);
    Path artifact = Files.write(dir.resolve("delta.bin"), deltaBytes());
    Bundle bundle = BundleSigner.signFile(signer, artifact);

    // The map names the signer's hint but contains another key, as a substituted key would.
    Result result = sigstoreVerify(bundle, Map.of(signer.hint().value(), pem(trusted)), artifact);

    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("[SIGNATURE_ERROR]");
  }

  // @sigstore/verify: DSSE envelopes

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void imageStatementIsAccepted(KeyAlgorithm algorithm) throws Exception {
    Signer signer = TestKeys.signer(algorithm);
    Bundle bundle = BundleSigner.signStatement(signer, imageStatement());

    Result result = sigstoreVerify(bundle, keyMap(signer), null);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("verifies");
    BundleVerifier.verifyStatement(
        bundle, MANIFEST_DIGEST, ImageStatements.PREDICATE_TYPE, TestKeys.trusting(signer), NOW);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void releaseStatementIsAccepted(KeyAlgorithm algorithm) throws Exception {
    Signer signer = TestKeys.signer(algorithm);
    ReleaseDocument release = release();
    Bundle bundle = BundleSigner.signStatement(signer, release.toStatement());

    Result result = sigstoreVerify(bundle, keyMap(signer), null);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("verifies");
    String webDigest = release.services().get(1).indexDigest();
    BundleVerifier.verifyStatement(
        bundle, webDigest, ReleaseDocument.PREDICATE_TYPE, TestKeys.trusting(signer), NOW);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void tamperedPayloadIsRejected(KeyAlgorithm algorithm) throws Exception {
    Signer signer = TestKeys.signer(algorithm);
    Envelope signed = BundleSigner.signStatement(signer, imageStatement()).envelope().orElseThrow();
    byte[] payload =
        ImageStatements.of("acme/gateways/evil", MANIFEST_DIGEST, INDEX, SIGNED_AT).toJson();
    Bundle tampered =
        Bundle.ofEnvelope(
            signer.hint(), new Envelope(signed.payloadType(), payload, signed.signatures()));

    Result result = sigstoreVerify(tampered, keyMap(signer), null);

    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("[SIGNATURE_ERROR]");
    assertThatThrownBy(
            () ->
                BundleVerifier.verifyStatement(
                    tampered,
                    MANIFEST_DIGEST,
                    ImageStatements.PREDICATE_TYPE,
                    TestKeys.trusting(signer),
                    NOW))
        .isInstanceOf(VerificationException.class);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void statementByOtherKeyIsRejected(KeyAlgorithm algorithm) throws Exception {
    Signer signer = TestKeys.signer(algorithm);
    Signer trusted = LocalSigner.generate(algorithm);
    Bundle bundle = BundleSigner.signStatement(signer, imageStatement());

    Result result = sigstoreVerify(bundle, Map.of(signer.hint().value(), pem(trusted)), null);

    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
  }

  @Test
  void statementByUnknownKeyIsRejected() throws Exception {
    Signer signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Signer trusted = TestKeys.signer(KeyAlgorithm.ED25519);
    Bundle bundle = BundleSigner.signStatement(signer, imageStatement());

    Result result = sigstoreVerify(bundle, keyMap(trusted), null);

    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("[PUBLIC_KEY_ERROR]");
    assertThat(result.output()).contains(signer.hint().value());
  }

  // @sigstore/bundle writes, Slipway reads

  @Test
  void messageBundleOfSigstoreBundleVerifies() throws Exception {
    LocalSigner signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Path artifact = Files.write(dir.resolve("delta.bin"), deltaBytes());

    Bundle bundle =
        Bundle.parse(makeBundle(KeyAlgorithm.ECDSA_P256, "message", artifact.toString()));

    assertThat(bundle.hint()).isEqualTo(signer.hint());
    BundleVerifier.verifyFile(bundle, artifact, TestKeys.trusting(signer), SIGNED_AT, NOW);
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void dsseBundleOfSigstoreBundleVerifies(KeyAlgorithm algorithm) throws Exception {
    LocalSigner signer = TestKeys.signer(algorithm);
    // The name has multi-byte UTF-8, so byte and character counts in the encoding differ.
    Statement statement =
        ImageStatements.of("acme/gateways/caf\u00e9", MANIFEST_DIGEST, INDEX, SIGNED_AT);
    Path payload = Files.write(dir.resolve("statement.json"), statement.toJson());

    Bundle bundle =
        Bundle.parse(makeBundle(algorithm, "dsse", Statement.PAYLOAD_TYPE, payload.toString()));

    Statement verified =
        BundleVerifier.verifyStatement(
            bundle,
            MANIFEST_DIGEST,
            ImageStatements.PREDICATE_TYPE,
            TestKeys.trusting(signer),
            NOW);
    assertThat(verified).isEqualTo(statement);
  }

  // openssl

  @Test
  void opensslAcceptsSimpleSigningSignature() throws Exception {
    Signer signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    SimpleSignature signature = SimpleSigning.sign(signer, REPOSITORY, MANIFEST_DIGEST, SIGNED_AT);

    Result result = opensslVerify(signer, signature.payload(), signature.signature());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("Verified OK");
  }

  @Test
  void opensslRejectsTamperedSimpleSigningPayload() throws Exception {
    Signer signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    SimpleSignature signature = SimpleSigning.sign(signer, REPOSITORY, MANIFEST_DIGEST, SIGNED_AT);
    ObjectNode payload = (ObjectNode) JSON.readTree(signature.payload());
    ((ObjectNode) payload.path("critical").path("image"))
        .put("docker-manifest-digest", "sha256:" + "4d".repeat(32));
    byte[] tampered = JSON.writeValueAsBytes(payload);

    Result result = opensslVerify(signer, tampered, signature.signature());

    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("Verification failure");
  }

  @Test
  void opensslAcceptsMessageSignatureOfBundle() throws Exception {
    Signer signer = TestKeys.signer(KeyAlgorithm.ECDSA_P256);
    Path artifact = Files.write(dir.resolve("delta.bin"), deltaBytes());
    Bundle bundle = BundleSigner.signFile(signer, artifact);
    byte[] signature = bundle.messageSignature().orElseThrow().signature();

    Result result = opensslVerify(signer, deltaBytes(), signature);

    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void opensslAcceptsEd25519SimpleSigningSignature() throws Exception {
    Signer signer = TestKeys.signer(KeyAlgorithm.ED25519);
    SimpleSignature signature = SimpleSigning.sign(signer, REPOSITORY, MANIFEST_DIGEST, SIGNED_AT);
    requireTool(commandRuns("openssl", "version"), "openssl");
    Path payload = Files.write(dir.resolve("payload.json"), signature.payload());
    Path signatureFile = Files.write(dir.resolve("payload.sig"), signature.signature());
    Path key = Files.writeString(dir.resolve("pub.pem"), pem(signer));

    // Ed25519 signs the message itself, so openssl needs pkeyutl -rawin rather than dgst.
    Result result =
        run(
            List.of(
                "openssl",
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                key.toString(),
                "-rawin",
                "-in",
                payload.toString(),
                "-sigfile",
                signatureFile.toString()));

    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void keyHintMatchesOpenssl(KeyAlgorithm algorithm) throws Exception {
    Signer signer = LocalSigner.generate(algorithm);
    requireTool(commandRuns("openssl", "version"), "openssl");
    Path pem = Files.writeString(dir.resolve("pub.pem"), pem(signer));
    Path der = dir.resolve("pub.der");
    Path hash = dir.resolve("pub.sha256");

    Result toDer =
        run(
            List.of(
                "openssl",
                "pkey",
                "-pubin",
                "-in",
                pem.toString(),
                "-outform",
                "DER",
                "-out",
                der.toString()));
    Result digest =
        run(
            List.of(
                "openssl", "dgst", "-sha256", "-binary", "-out", hash.toString(), der.toString()));
    Result base64 = run(List.of("openssl", "base64", "-A", "-in", hash.toString()));

    assertThat(toDer.exitCode()).as(toDer.output()).isZero();
    assertThat(digest.exitCode()).as(digest.output()).isZero();
    assertThat(base64.output().strip()).isEqualTo(signer.hint().value());
  }

  // Helpers

  private static Statement imageStatement() {
    return ImageStatements.of(REPOSITORY, MANIFEST_DIGEST, INDEX, SIGNED_AT);
  }

  private static ReleaseDocument release() {
    return new ReleaseDocument(
        "acme/gateways",
        42,
        "2.1.0",
        7,
        Instant.parse("2026-03-01T10:00:00Z"),
        List.of(
            new ServiceImage("web", REPOSITORY, MANIFEST_DIGEST),
            new ServiceImage("agent", "acme/gateways/agent", "sha256:" + "5d".repeat(32))));
  }

  /** Returns 64 KiB plus 123 bytes of a varied pattern, so hashing the file takes two reads. */
  private static byte[] deltaBytes() {
    byte[] bytes = new byte[64 * 1024 + 123];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31 + i / 7);
    }
    return bytes;
  }

  private static Map<String, String> keyMap(Signer signer) {
    return Map.of(signer.hint().value(), pem(signer));
  }

  private static String pem(Signer signer) {
    return PemKeys.publicKeyPem(signer.publicKey());
  }

  private Result sigstoreVerify(Bundle bundle, Map<String, String> keys, Path artifact)
      throws IOException, InterruptedException {
    Path project = nodeProject();
    Path bundleFile = Files.write(dir.resolve("bundle.sigstore.json"), bundle.toJson());
    Path keyFile = Files.write(dir.resolve("keys.json"), JSON.writeValueAsBytes(keys));

    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(project.resolve("verify-bundle.js").toString());
    command.add(bundleFile.toString());
    command.add(keyFile.toString());
    if (artifact != null) {
      command.add(artifact.toString());
    }
    return run(command);
  }

  /** Writes a bundle with the Node.js project's make-bundle.js and returns its JSON. */
  private byte[] makeBundle(KeyAlgorithm algorithm, String... arguments)
      throws IOException, InterruptedException {
    Path project = nodeProject();
    Path key = dir.resolve("signing-key.pem");
    Files.writeString(key, PemKeys.privateKeyPem(TestKeys.privateKey(algorithm)));
    Path output = dir.resolve("made.sigstore.json");

    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(project.resolve("make-bundle.js").toString());
    command.add(key.toString());
    command.add(TestKeys.signer(algorithm).hint().value());
    command.add(output.toString());
    command.addAll(List.of(arguments));
    Result result = run(command);

    assertThat(result.exitCode()).as(result.output()).isZero();
    return Files.readAllBytes(output);
  }

  private Result opensslVerify(Signer signer, byte[] payload, byte[] signature)
      throws IOException, InterruptedException {
    requireTool(commandRuns("openssl", "version"), "openssl");
    Path payloadFile = Files.write(dir.resolve("payload.json"), payload);
    Path signatureFile = Files.write(dir.resolve("sig.der"), signature);
    Path key = Files.writeString(dir.resolve("pub.pem"), pem(signer));

    return run(
        List.of(
            "openssl",
            "dgst",
            "-sha256",
            "-verify",
            key.toString(),
            "-signature",
            signatureFile.toString(),
            payloadFile.toString()));
  }

  /** Returns the Node.js project, after checking that node and its packages are installed. */
  private static Path nodeProject() {
    String property = System.getProperty(NODE_PROJECT_PROPERTY);
    Path project = Path.of(property != null ? property : "src/test/node").toAbsolutePath();
    requireTool(commandRuns("node", "--version"), "node (Node.js)");
    requireTool(
        Files.isDirectory(project.resolve("node_modules/@sigstore/verify")),
        "@sigstore/verify in " + project.resolve("node_modules"));
    return project;
  }

  /**
   * Fails under {@code CI=true} when {@code tool} is missing, and skips the test elsewhere, naming
   * the tool and how to install it.
   */
  private static void requireTool(boolean present, String tool) {
    if (present) {
      return;
    }
    String message =
        tool
            + " is missing; install Node.js, npm and openssl (.ci/run does) and run '"
            + NPM_CI
            + "' at the repository root";
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    assumeTrue(false, message);
  }

  private static boolean commandRuns(String... command) {
    try {
      return run(List.of(command)).exitCode() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("Timed out after 60 s: " + String.join(" ", command));
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private record Result(int exitCode, String output) {}
}
