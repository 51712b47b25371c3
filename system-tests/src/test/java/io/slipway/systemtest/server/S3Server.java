package io.slipway.systemtest.server;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * An S3 API on a free loopback port, served by S3Proxy inside the test JVM and keeping its objects
 * as files in a directory, so that gigabyte blobs do not sit in the test's heap.
 */
public final class S3Server implements AutoCloseable {

  private static final String ACCESS_KEY = "slipway-system-test";
  private static final String SECRET_KEY = "slipway-system-test-secret";
  private static final String REGION = "us-east-1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final S3Proxy proxy;
  private final URI endpoint;

  private S3Server(S3Proxy proxy) {
    this.proxy = proxy;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Starts a server that keeps its buckets under {@code directory}. */
  public static S3Server start(Path directory) throws Exception {
    Files.createDirectories(directory);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(new FilesystemNio2BlobStore(directory.toString()))
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    awaitStarted(proxy);
    return new S3Server(proxy);
  }

  private static void awaitStarted(S3Proxy proxy) throws Exception {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!"STARTED".equals(proxy.getState())) {
      if (Instant.now().isAfter(deadline)) {
        proxy.stop();
        throw new IllegalStateException(
            "S3Proxy did not start within " + START_TIMEOUT + ": state " + proxy.getState());
      }
      Thread.sleep(10);
    }
  }

  /**
   * Returns the server properties that point Slipway's blob store at {@code bucket} on this server;
   * the server creates the bucket when it is missing.
   */
  public Map<String, String> slipwayProperties(String bucket) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("slipway.storage.type", "s3");
    properties.put("slipway.storage.s3.endpoint", endpoint.toString());
    properties.put("slipway.storage.s3.region", REGION);
    properties.put("slipway.storage.s3.bucket", bucket);
    properties.put("slipway.storage.s3.access-key", ACCESS_KEY);
    properties.put("slipway.storage.s3.secret-key", SECRET_KEY);
    return properties;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }

  @Override
  public String toString() {
    return "S3Server[" + endpoint + "]";
  }
}
