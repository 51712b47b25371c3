package io.slipway.registry;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.catalina.Context;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * A servlet filter that records every request an upstream registry handles, with its response
 * status, and can hold blob downloads back so that concurrent requests overlap.
 */
final class UpstreamRequestLog implements Filter {

  private record Request(String method, String path, int status) {}

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile long blobDelayMillis;

  /** Adds this filter in front of every path of {@code context}. */
  void install(Context context) {
    FilterDef definition = new FilterDef();
    definition.setFilterName("upstream-request-log");
    definition.setFilter(this);
    context.addFilterDef(definition);
    FilterMap mapping = new FilterMap();
    mapping.setFilterName("upstream-request-log");
    mapping.addURLPattern("/*");
    context.addFilterMap(mapping);
  }

  /** Delays each {@code GET} of a blob by {@code millis} before it is served. */
  void delayBlobDownloads(long millis) {
    this.blobDelayMillis = millis;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    if (blobDelayMillis > 0
        && http.getMethod().equals("GET")
        && http.getRequestURI().contains("/blobs/sha")) {
      try {
        Thread.sleep(blobDelayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    chain.doFilter(request, response);
    int status = ((HttpServletResponse) response).getStatus();
    requests.add(new Request(http.getMethod(), http.getRequestURI(), status));
  }

  /**
   * Returns the handled requests whose path contains {@code pathPart} as {@code "METHOD /path"}, in
   * the order their responses were sent.
   */
  List<String> requestsFor(String pathPart) {
    return requests.stream()
        .filter(request -> request.path().contains(pathPart))
        .map(request -> request.method() + " " + request.path())
        .toList();
  }

  /** Returns how many {@code method} requests had a path containing {@code pathPart}. */
  long count(String method, String pathPart) {
    return requests.stream()
        .filter(request -> request.method().equals(method) && request.path().contains(pathPart))
        .count();
  }

  /**
   * Returns how many {@code method} requests with a path containing {@code pathPart} got a 2xx
   * response. A request turned away with 401 for lack of a token does not count.
   */
  long served(String method, String pathPart) {
    return requests.stream()
        .filter(request -> request.method().equals(method) && request.path().contains(pathPart))
        .filter(request -> request.status() >= 200 && request.status() < 300)
        .count();
  }
}
