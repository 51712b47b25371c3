package io.slipway.api.server;

import io.slipway.api.error.ApiError;
import io.slipway.api.error.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Caps the body of API requests ({@code /api/*}, {@code /device/*}, {@code /auth/*}) at {@value
 * #MAX_BYTES} bytes, so that no client can make the server buffer or parse an unbounded body. A
 * declared larger {@code Content-Length} is refused at once with {@code 413 REQUEST_TOO_LARGE}; a
 * chunked body fails while it is read. The registry under {@code /v2/} has its own limits, and so
 * do the uploads of a build source ({@code POST /api/v1/orgs/{org}/fleets/{fleet}/builds}, capped
 * by {@code slipway.builder.max-source-size}) and of a base OS image ({@code POST
 * /api/v1/os-images}, capped by {@code slipway.os-images.max-upload-size}), which this filter
 * leaves alone.
 */
@Configuration(proxyBeanMethods = false)
class RequestBodyLimit {

  /** Largest accepted body: 2 MiB, above the 1 MiB of a device log batch. */
  static final long MAX_BYTES = 2L * 1024 * 1024;

  @Bean
  FilterRegistrationBean<LimitFilter> requestBodyLimitFilter() {
    FilterRegistrationBean<LimitFilter> registration =
        new FilterRegistrationBean<>(new LimitFilter());
    registration.addUrlPatterns("/api/*", "/device/*", "/auth/*");
    return registration;
  }

  /** Paths whose bodies have their own, larger cap enforced where they are read. */
  static final Pattern OWN_LIMIT =
      Pattern.compile("/api/v1/orgs/[^/]+/fleets/[^/]+/builds|/api/v1/os-images");

  static final class LimitFilter extends OncePerRequestFilter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
      String path = request.getRequestURI().substring(request.getContextPath().length());
      return "POST".equals(request.getMethod()) && OWN_LIMIT.matcher(path).matches();
    }

    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      long declared = request.getContentLengthLong();
      if (declared > MAX_BYTES) {
        refuse(response, declared);
        return;
      }
      chain.doFilter(new Capped(request), response);
    }

    private static void refuse(HttpServletResponse response, long declared) throws IOException {
      ErrorCode code = ErrorCode.REQUEST_TOO_LARGE;
      ApiError error =
          new ApiError(
              code.name(),
              "The request body of "
                  + declared
                  + " bytes is larger than the limit of "
                  + MAX_BYTES
                  + " bytes: send less per request");
      response.setStatus(code.status().value());
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      response.getOutputStream().write(JSON.writeValueAsBytes(error));
    }
  }

  /** A request whose body stream fails once more than {@link #MAX_BYTES} bytes were read. */
  private static final class Capped extends HttpServletRequestWrapper {

    Capped(HttpServletRequest request) {
      super(request);
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      ServletInputStream in = super.getInputStream();
      return new ServletInputStream() {
        private long count;

        @Override
        public int read() throws IOException {
          int b = in.read();
          if (b >= 0) {
            count(1);
          }
          return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int n = in.read(buffer, offset, length);
          if (n > 0) {
            count(n);
          }
          return n;
        }

        private void count(int n) throws IOException {
          count += n;
          if (count > MAX_BYTES) {
            throw new IOException(
                "The request body is larger than the limit of " + MAX_BYTES + " bytes");
          }
        }

        @Override
        public boolean isFinished() {
          return in.isFinished();
        }

        @Override
        public boolean isReady() {
          return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
          in.setReadListener(listener);
        }
      };
    }
  }
}
