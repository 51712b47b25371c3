package io.slipway.systemtest.blob;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.systemtest.image.Digests;
import io.slipway.systemtest.registry.RegistryClient;
import io.slipway.systemtest.server.Backend;
import io.slipway.systemtest.server.SlipwayStack;
import io.slipway.systemtest.server.WorkDirectory;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Blobs far larger than the server's heap: the server runs with {@code -Xmx256m} and must stream a
 * 1 GiB blob in and out. A chunked upload survives the server being killed between chunks.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("io.slipway.systemtest.server.Backends#pairs")
class LargeBlobIT {

  private static final String SUITE = "LargeBlobIT";
  private static final long ONE_GIB = 1L << 30;
  private static final int CHUNK_BYTES = 16 << 20;
  private static final int CHUNKS = 4;

  /** Generated once per test JVM and shared by the backends. */
  private static RandomFile oneGibibyte;

  private static SlipwayStack stack;

  @Parameter Backend backend;

  @BeforeParameterizedClassInvocation
  static void startServer(Backend backend) throws Exception {
    stack = SlipwayStack.start(SUITE, backend);
  }

  @AfterParameterizedClassInvocation
  static void stopServer() throws Exception {
    if (stack != null) {
      stack.close();
      stack = null;
    }
  }

  private static synchronized RandomFile oneGibibyteFile() throws Exception {
    if (oneGibibyte == null) {
      Path path = WorkDirectory.root().resolve(SUITE).resolve("blob-1gib.bin");
      oneGibibyte = RandomFile.write(path, ONE_GIB, 1_073_741_824L);
    }
    return oneGibibyte;
  }

  private static RegistryClient registry() {
    return new RegistryClient(stack.server().baseUrl(), "admin", stack.server().bootstrapToken());
  }

  private static StreamedContent pull(RegistryClient registry, String repository, String digest)
      throws Exception {
    HttpResponse<InputStream> response =
        registry.send(
            registry.authorized(repository, "/v2/" + repository + "/blobs/" + digest).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      try (InputStream body = response.body()) {
        throw new AssertionError(
            "GET blob "
                + digest
                + " returned "
                + response.statusCode()
                + ": "
                + new String(body.readNBytes(4096)));
      }
    }
    return StreamedContent.read(response.body());
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void oneGibibyteBlobRoundTrips() throws Exception {
    RandomFile blob = oneGibibyteFile();
    RegistryClient registry = registry();
    BlobUploads uploads = new BlobUploads(registry, "acme/fleet/large");

    String location = uploads.start();
    location = uploads.patch(location, HttpRequest.BodyPublishers.ofFile(blob.path()), null);
    uploads.complete(location, blob.digest());
    StreamedContent pulled = pull(registry, "acme/fleet/large", blob.digest());

    assertThat(pulled).isEqualTo(new StreamedContent(blob.digest(), blob.size()));
    assertThat(stack.server().isAlive()).as("server still running").isTrue();
    assertThat(Files.readString(stack.server().options().logFile()))
        .doesNotContain("OutOfMemoryError");
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void chunkedUploadResumesAfterKill() throws Exception {
    byte[] content = new byte[CHUNKS * CHUNK_BYTES];
    new SplittableRandom(64).nextBytes(content);
    String digest = Digests.sha256(content);
    String repository = "acme/fleet/resumed";

    BlobUploads uploads = new BlobUploads(registry(), repository);
    String location = uploads.start();
    for (int chunk = 0; chunk < 2; chunk++) {
      location = sendChunk(uploads, location, content, (long) chunk * CHUNK_BYTES);
    }

    long acknowledged = 2L * CHUNK_BYTES;
    stack.restartAfterKill();
    RegistryClient restarted = registry();
    uploads = new BlobUploads(restarted, repository);
    long offset = uploads.offset(location);
    assertThat(offset).as("bytes the server kept").isEqualTo(acknowledged);

    while (offset < content.length) {
      location = sendChunk(uploads, location, content, offset);
      offset += Math.min(CHUNK_BYTES, content.length - offset);
    }
    uploads.complete(location, digest);

    assertThat(pull(restarted, repository, digest))
        .isEqualTo(new StreamedContent(digest, content.length));
  }

  /** Sends the chunk of {@code content} that starts at {@code start}, with its Content-Range. */
  private static String sendChunk(
      BlobUploads uploads, String location, byte[] content, long start) {
    int length = (int) Math.min(CHUNK_BYTES, content.length - start);
    String range = start + "-" + (start + length - 1);
    return uploads.patch(
        location, HttpRequest.BodyPublishers.ofByteArray(content, (int) start, length), range);
  }
}
