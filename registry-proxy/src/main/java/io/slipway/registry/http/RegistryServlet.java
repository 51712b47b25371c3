package io.slipway.registry.http;

import io.slipway.registry.RegistrySettings;
import io.slipway.registry.auth.TokenVerifier;
import io.slipway.storage.BlobStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import javax.sql.DataSource;

/** Serves the OCI distribution API under {@code /v2/}. */
public final class RegistryServlet extends HttpServlet {

  public RegistryServlet(
      RegistrySettings settings,
      BlobStore blobStore,
      DataSource dataSource,
      TokenVerifier tokens,
      Clock clock) {}

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    response.setStatus(200);
  }
}
