package io.slipway.agent.update;

import io.slipway.delta.image.Digest;
import io.slipway.delta.image.ImageContent;
import io.slipway.delta.image.ImageReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;

/**
 * Reads one repository of a loopback registry without authentication, as the server reads images
 * when it makes a delta. Manifests come from the manifests endpoint, other blobs from the blobs
 * endpoint.
 */
record RegistryBlobs(String host, String repository) implements ImageContent {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Override
  public InputStream open(Digest digest) throws IOException {
    InputStream manifest = get("manifests", digest);
    return manifest != null ? manifest : blob(digest);
  }

  private InputStream blob(Digest digest) throws IOException {
    InputStream blob = get("blobs", digest);
    if (blob == null) {
      throw new NoSuchFileException(repository + "@" + digest);
    }
    return blob;
  }

  private InputStream get(String kind, Digest digest) throws IOException {
    URI uri = URI.create("http://" + host + "/v2/" + repository + "/" + kind + "/" + digest);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Accept", ImageReader.OCI_MANIFEST + "," + ImageReader.DOCKER_MANIFEST)
            .build();
    try {
      HttpResponse<InputStream> response =
          HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() == 200) {
        return response.body();
      }
      response.body().close();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while reading " + uri, e);
    }
  }
}
