package io.slipway.api.releasesigning;

import io.slipway.testing.tool.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifiers that share no code with Slipway: {@code @sigstore/verify} through the signing module's
 * Node.js project ({@code signing/src/test/node/verify-bundle.js}, offline, trusting a map of
 * public keys by hint) and {@code openssl dgst -verify}. A missing tool or package skips the test
 * on a developer's machine and fails it under CI ({@code CI=true}).
 */
final class IndependentVerifiers {

  /** The signing module's Node.js project, relative to the api module. */
  private static final Path NODE_PROJECT = Path.of("../signing/src/test/node").toAbsolutePath();

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private IndependentVerifiers() {}

  /** The exit code and the merged output of one verifier run. */
  record Result(int exitCode, String output) {}

  /**
   * Runs {@code verify-bundle.js} on a DSSE bundle.
   *
   * @param keys key hint to PEM public key
   */
  static Result sigstoreVerify(Path directory, byte[] bundleJson, Map<String, String> keys)
      throws IOException, InterruptedException {
    RequiredTool.require("/usr/bin/node", "nodejs");
    requireNodePackages();
    Path bundle = Files.write(Files.createTempFile(directory, "bundle", ".json"), bundleJson);
    Path keyMap =
        Files.write(Files.createTempFile(directory, "keys", ".json"), JSON.writeValueAsBytes(keys));
    return run(
        List.of(
            "/usr/bin/node",
            NODE_PROJECT.resolve("verify-bundle.js").toString(),
            bundle.toString(),
            keyMap.toString()));
  }

  /** Runs {@code openssl dgst -sha256 -verify} on a simple-signing payload. */
  static Result opensslVerify(Path directory, String publicKeyPem, byte[] payload, byte[] signature)
      throws IOException, InterruptedException {
    RequiredTool.require("/usr/bin/openssl", "openssl");
    Path key = Files.writeString(Files.createTempFile(directory, "key", ".pem"), publicKeyPem);
    Path payloadFile = Files.write(Files.createTempFile(directory, "payload", ".json"), payload);
    Path signatureFile = Files.write(Files.createTempFile(directory, "sig", ".der"), signature);
    return run(
        List.of(
            "/usr/bin/openssl",
            "dgst",
            "-sha256",
            "-verify",
            key.toString(),
            "-signature",
            signatureFile.toString(),
            payloadFile.toString()));
  }

  private static void requireNodePackages() {
    if (Files.isDirectory(NODE_PROJECT.resolve("node_modules/@sigstore/verify"))) {
      return;
    }
    String message =
        "@sigstore/verify is missing from "
            + NODE_PROJECT.resolve("node_modules")
            + "; run 'npm ci --prefix signing/src/test/node' at the repository root";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(message + " (under CI, .ci/run must install it)");
    }
    Assumptions.abort(message);
  }

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("Timed out after 60 s: " + String.join(" ", command));
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
