package io.slipway.api.git;

import io.slipway.api.access.AccessControl;
import io.slipway.api.access.Permission;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.BadRequestException;
import io.slipway.api.error.UnauthorizedException;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Authenticator;
import io.slipway.api.identity.BasicCredentials;
import io.slipway.api.identity.Identity;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets through to the git servlet only the smart HTTP requests of a fleet's repository by a user
 * allowed to create releases of it, and keeps the fleet and the user in request attributes.
 *
 * <p>Refusals are plain text, which git shows to the user: a path that is not a smart HTTP request
 * of {@code /git/ORG/FLEET.git} is 404; no or bad credentials 401 with a Basic challenge, so that
 * git asks for them; a fleet that does not exist or belongs to an organization the user is not in
 * 404; a device key, provisioning key, builder secret or a role without {@code RELEASE_CREATE} 403.
 * Credentials are HTTP Basic with any user name and an API or session token as the password. A 403
 * is recorded in the audit log as {@code git.access.denied}; 401 and 404 are not, as they name no
 * user or no fleet.
 *
 * <p>A push ({@code POST git-receive-pack}) needs one of the server's unpack turns (see {@link
 * UnpackPermits}); it waits up to {@value #UNPACK_WAIT_SECONDS} seconds for one, else gets 503. The
 * turn is held in {@link #UNPACK_PERMIT} and given back when the request ends, unless {@link
 * DeployHook} gave it back earlier. Thread-safe.
 */
final class GitAccessFilter extends OncePerRequestFilter {

  /** Request attribute holding the {@link Fleet} of an admitted request. */
  static final String FLEET = GitAccessFilter.class.getName() + ".fleet";

  /** Request attribute holding the {@link Identity} of an admitted request. */
  static final String IDENTITY = GitAccessFilter.class.getName() + ".identity";

  /** Request attribute holding the {@link UnpackPermits.Permit} of a push. */
  static final String UNPACK_PERMIT = GitAccessFilter.class.getName() + ".unpackPermit";

  /** How long a push waits for an unpack turn. */
  static final int UNPACK_WAIT_SECONDS = 30;

  private static final Logger log = LoggerFactory.getLogger(GitAccessFilter.class);

  private static final Pattern PATH =
      Pattern.compile("/git/([^/]+)/([^/]+)\\.git(/info/refs|/git-upload-pack|/git-receive-pack)");

  private final Authenticator authenticator;
  private final AccessControl access;
  private final AuditLog audit;
  private final UnpackPermits unpackPermits;

  GitAccessFilter(
      Authenticator authenticator,
      AccessControl access,
      AuditLog audit,
      UnpackPermits unpackPermits) {
    this.authenticator = authenticator;
    this.access = access;
    this.audit = audit;
    this.unpackPermits = unpackPermits;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    Matcher matcher = PATH.matcher(path);
    if (!matcher.matches() || !isSmart(request, matcher.group(3))) {
      refuse(
          response,
          HttpServletResponse.SC_NOT_FOUND,
          "Not a git repository URL of this server: use http(s)://HOST/git/ORG/FLEET.git with a"
              + " git client that speaks the smart HTTP protocol");
      return;
    }

    Identity who = null;
    Fleet fleet;
    try {
      who = identify(request.getHeader(HttpHeaders.AUTHORIZATION));
      fleet =
          access.requireFleet(who, matcher.group(1), matcher.group(2), Permission.RELEASE_CREATE);
    } catch (UnauthorizedException | BadRequestException e) {
      challenge(response, e.getMessage());
      return;
    } catch (ApiException e) {
      int status = e.status().value();
      log.debug(
          "Git request {} {} rejected with status {}: {}",
          request.getMethod(),
          path,
          status,
          e.getMessage());
      if (status == HttpServletResponse.SC_FORBIDDEN) {
        recordDenied(who, matcher.group(1), matcher.group(2), request.getMethod(), path);
      }
      refuse(response, status, e.getMessage());
      return;
    }

    request.setAttribute(FLEET, fleet);
    request.setAttribute(IDENTITY, who);
    if (!matcher.group(3).equals("/git-receive-pack")) {
      chain.doFilter(request, response);
      return;
    }
    receive(request, response, chain, fleet);
  }

  /** Passes a push on once it has an unpack turn, and gives the turn back when it ends. */
  private void receive(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain, Fleet fleet)
      throws ServletException, IOException {
    Optional<UnpackPermits.Permit> permit =
        unpackPermits.acquire(Duration.ofSeconds(UNPACK_WAIT_SECONDS));
    if (permit.isEmpty()) {
      log.warn(
          "Push to fleet {} rejected: no unpack permit became free within {} s",
          fleet.repositoryPrefix(),
          UNPACK_WAIT_SECONDS);
      refuse(
          response,
          HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          "too many pushes are being received; retry in a minute");
      return;
    }
    request.setAttribute(UNPACK_PERMIT, permit.get());
    try {
      chain.doFilter(request, response);
    } finally {
      permit.get().release();
    }
  }

  private void recordDenied(Identity who, String org, String fleet, String method, String path) {
    if (who == null) {
      return;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("fleet", org + "/" + fleet);
    details.put("method", method);
    details.put("path", path);
    audit.denied(who, "git.access.denied", "fleet", org + "/" + fleet, null, details);
  }

  /** Accepts {@code info/refs?service=git-*-pack} and the two POST endpoints only. */
  private static boolean isSmart(HttpServletRequest request, String endpoint) {
    if (endpoint.equals("/info/refs")) {
      String service = request.getParameter("service");
      return "GET".equals(request.getMethod())
          && ("git-upload-pack".equals(service) || "git-receive-pack".equals(service));
    }
    return "POST".equals(request.getMethod());
  }

  /** Reads HTTP Basic with the token as password and any user name, or a Bearer token. */
  private Identity identify(String header) {
    Optional<BasicCredentials> basic =
        header != null && header.regionMatches(true, 0, "basic ", 0, 6)
            ? BasicCredentials.fromAuthorizationHeader(header)
            : Optional.empty();
    if (basic.isPresent()) {
      return authenticator.authenticate("Bearer " + basic.get().password().strip());
    }
    return authenticator.authenticate(header);
  }

  private static void challenge(HttpServletResponse response, String message) throws IOException {
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Slipway\"");
    refuse(
        response,
        HttpServletResponse.SC_UNAUTHORIZED,
        "Credentials are required: use any user name and a Slipway API token as the password ("
            + message
            + ")");
  }

  private static void refuse(HttpServletResponse response, int status, String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/plain; charset=UTF-8");
    response.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
