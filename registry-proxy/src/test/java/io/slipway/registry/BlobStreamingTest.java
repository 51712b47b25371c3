package io.slipway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.registry.auth.Scope;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.Random;
import org.apache.catalina.Engine;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;

/**
 * Blob downloads through the copying path that storage without local files (S3) takes, forced here
 * by turning Tomcat's sendfile off.
 */
class BlobStreamingTest {

  @Test
  void blobLargerThanCopyBufferArrivesWhole() throws Exception {
    try (RegistryFixture fixture =
        RegistryFixture.start(
            TestDatabase.h2(),
            RegistryFixture.settings(1 << 30, false),
            (context, self) -> {
              Engine engine = (Engine) context.getParent().getParent();
              for (Connector connector : engine.getService().findConnectors()) {
                connector.setProperty("useSendfile", "false");
              }
            })) {
      HttpHelper http =
          new HttpHelper(fixture.baseUri())
              .withToken(fixture.token(Scope.repository("acme/stream", "pull", "push")));
      byte[] content = new byte[700_000];
      new Random(42).nextBytes(content);
      String digest = http.pushBlob("acme/stream", content);

      HttpResponse<byte[]> whole = http.get("/v2/acme/stream/blobs/" + digest);
      HttpResponse<byte[]> tail =
          http.get("/v2/acme/stream/blobs/" + digest, "Range", "bytes=600000-");

      assertThat(whole.body()).isEqualTo(content);
      assertThat(tail.body()).hasSize(100_000);
      assertThat(tail.body()[99_999]).isEqualTo(content[699_999]);
    }
  }
}
