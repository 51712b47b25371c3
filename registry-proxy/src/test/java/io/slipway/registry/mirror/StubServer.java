package io.slipway.registry.mirror;

import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.nio.file.Files;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/** Embedded Tomcat on a free loopback port serving hand-written servlets, for stub upstreams. */
public final class StubServer implements AutoCloseable {

  private final Tomcat tomcat;
  private final int port;

  private StubServer(Tomcat tomcat, int port) {
    this.tomcat = tomcat;
    this.port = port;
  }

  /** Starts a server that maps each URL pattern to its servlet, such as {@code "/v2/*"}. */
  public static StubServer start(Map<String, HttpServlet> servlets) throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("stub-server").toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    int index = 0;
    for (Map.Entry<String, HttpServlet> entry : servlets.entrySet()) {
      String name = "stub-" + index++;
      Tomcat.addServlet(context, name, entry.getValue());
      context.addServletMappingDecoded(entry.getKey(), name);
    }
    tomcat.start();
    return new StubServer(tomcat, connector.getLocalPort());
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void close() throws Exception {
    tomcat.stop();
    tomcat.destroy();
  }
}
