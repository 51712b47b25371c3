package io.slipway.api.server;

import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tunes Tomcat's connector for registry traffic: multi-GiB uploads streamed over long requests and
 * large blobs sent from files.
 *
 * <p>Tomcat limits the size of form and multipart bodies only; a body that a servlet reads as a
 * stream has no size limit, and the registry enforces {@code slipway.registry.max-upload-bytes}
 * itself.
 */
@Component
public class TomcatSettings implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addConnectorCustomizers(
        connector -> {
          if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
            // Zero-copy file transfer for blob downloads; Tomcat turns it off for compressed
            // responses, and server.compression stays off by default.
            http.setUseSendfile(true);
            // The read timeout applies between packets of an upload, never to the whole upload.
            http.setDisableUploadTimeout(true);
          }
        });
  }
}
