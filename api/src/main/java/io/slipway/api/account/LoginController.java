package io.slipway.api.account;

import io.slipway.api.access.AccessControl;
import io.slipway.api.account.session.SessionService;
import io.slipway.api.account.session.SessionService.IssuedSession;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.error.ApiException;
import io.slipway.api.error.ErrorCode;
import io.slipway.api.identity.BasicCredentials;
import io.slipway.api.identity.ClientAddress;
import io.slipway.api.identity.Identity;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Password sign-in and sign-out. {@code POST /api/v1/auth/login} is public on purpose: it is where
 * credentials are first checked.
 */
@RestController
class LoginController {

  private static final String BEARER = "Bearer ";

  private final AccessControl access;
  private final LoginService login;
  private final SessionService sessions;
  private final AuditLog auditLog;

  LoginController(
      AccessControl access, LoginService login, SessionService sessions, AuditLog auditLog) {
    this.access = access;
    this.login = login;
    this.sessions = sessions;
    this.auditLog = auditLog;
  }

  /** The session a sign-in starts; {@code expiresAt} in milliseconds since the epoch. */
  record SessionBody(String token, long expiresAt) {
    @Override
    public String toString() {
      return "SessionBody[token=****, expiresAt=" + expiresAt + "]";
    }
  }

  @PostMapping("/api/v1/auth/login")
  SessionBody login(@RequestBody LoginService.Credentials body, HttpServletRequest request) {
    IssuedSession session = login.login(body, ClientAddress.of(request));
    return new SessionBody(session.token().value(), session.expiresAt());
  }

  /** Ends the session the request is authenticated with. */
  @PostMapping("/api/v1/auth/logout")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void logout(Identity who, HttpServletRequest request) {
    access.requireUser(who);
    if (who.credential() != Identity.Credential.SESSION) {
      throw new ApiException(
          ErrorCode.SESSION_REQUIRED,
          "Sign-out ends a session: send the session token (sls_...) as 'Authorization: Bearer';"
              + " to revoke an API token use DELETE /api/v1/user/api-tokens/{id}");
    }
    sessions.revoke(sessionSecret(request));
    auditLog.record(who, "user.logout", "user", who.subject(), null, Map.of());
  }

  /** Returns the session token of a request whose identity came from a session. */
  private static String sessionSecret(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION).strip();
    if (header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return header.substring(BEARER.length()).strip();
    }
    return BasicCredentials.fromAuthorizationHeader(header).orElseThrow().password();
  }
}
