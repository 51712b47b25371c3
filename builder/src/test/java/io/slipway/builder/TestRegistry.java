package io.slipway.builder;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.slipway.builder.registry.RegistryCredentials;
import io.slipway.registry.Registry;
import io.slipway.registry.RegistrySettings;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.auth.TokenVerifier;
import io.slipway.storage.filesystem.FilesystemBlobStore;
import io.slipway.testing.TestDatabase;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * A Slipway registry for builder tests: embedded Tomcat on a free loopback port, filesystem storage
 * in a temporary directory, H2 metadata, and a token endpoint at {@code /auth/token} that issues
 * tokens for one user and password. The registry demands tokens for every request, so clients go
 * through the whole token dance.
 */
public final class TestRegistry implements AutoCloseable {

  private static final String ISSUER = "builder-test-issuer";
  private static final String SERVICE = "builder-test-registry";

  private final Tomcat tomcat;
  private final KeyPair keys = generateKeys();
  private final RegistryCredentials credentials;
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private final AtomicInteger blobUploads = new AtomicInteger();
  private final int port;

  private TestRegistry(Path root, RegistryCredentials credentials) throws Exception {
    this.credentials = credentials;
    Registry registry =
        Registry.builder()
            .settings(
                new RegistrySettings(
                    URI.create("/auth/token"),
                    SERVICE,
                    false,
                    RegistrySettings.DEFAULT_MAX_UPLOAD_BYTES,
                    RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES,
                    List.of()))
            .blobStore(new FilesystemBlobStore(root.resolve("blobs")))
            .dataSource(TestDatabase.h2().dataSource())
            .tokenVerifier(
                new TokenVerifier(
                    (ECPublicKey) keys.getPublic(), ISSUER, SERVICE, Clock.systemUTC()))
            .build();
    tomcat = new Tomcat();
    tomcat.setBaseDir(root.resolve("tomcat").toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    Tomcat.addServlet(context, "registry", new CountingServlet(registry.servlet()));
    context.addServletMappingDecoded("/v2/*", "registry");
    Tomcat.addServlet(context, "token", new TokenServlet());
    context.addServletMappingDecoded("/auth/token", "token");
    tomcat.start();
    port = connector.getLocalPort();
  }

  /** Starts a registry that accepts user {@code builder} with a random password. */
  public static TestRegistry start() throws Exception {
    RegistryCredentials credentials =
        new RegistryCredentials("builder", "slb_" + UUID.randomUUID());
    return new TestRegistry(Files.createTempDirectory("builder-registry"), credentials);
  }

  /** Returns {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** Returns the credentials the token endpoint accepts. */
  public RegistryCredentials credentials() {
    return credentials;
  }

  /** Returns how many tokens the token endpoint has issued. */
  public int tokensIssued() {
    return tokensIssued.get();
  }

  /** Returns how many blob uploads were started (POST to an uploads URL without a mount). */
  public int blobUploads() {
    return blobUploads.get();
  }

  @Override
  public void close() throws Exception {
    tomcat.stop();
    tomcat.destroy();
  }

  private String sign(Scope... scopes) {
    List<Map<String, Object>> access =
        Arrays.stream(scopes)
            .map(
                scope ->
                    Map.<String, Object>of(
                        "type", scope.type(),
                        "name", scope.name(),
                        "actions", List.copyOf(scope.actions())))
            .toList();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(SERVICE)
            .subject(credentials.username())
            .issueTime(new Date())
            .expirationTime(Date.from(Instant.now().plusSeconds(300)))
            .jwtID(UUID.randomUUID().toString())
            .claim(TokenVerifier.ACCESS_CLAIM, access)
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims);
    try {
      jwt.sign(new ECDSASigner((ECPrivateKey) keys.getPrivate()));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private static KeyPair generateKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Issues a token granting every requested scope to the right basic credentials. */
  private final class TokenServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String pair = credentials.username() + ":" + credentials.password();
      String expected =
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(request.getHeader("Authorization"))) {
        response.setStatus(401);
        return;
      }
      String[] requested = request.getParameterValues("scope");
      Scope[] scopes =
          requested == null
              ? new Scope[0]
              : Arrays.stream(requested)
                  .flatMap(text -> Arrays.stream(text.split(" ")))
                  .map(Scope::parse)
                  .toArray(Scope[]::new);
      String token = sign(scopes);
      tokensIssued.incrementAndGet();
      response.setContentType("application/json");
      response.getWriter().write("{\"token\":\"%s\",\"expires_in\":300}".formatted(token));
    }
  }

  /** Passes requests to the registry, counting blob uploads that are not mounts. */
  private final class CountingServlet extends HttpServlet {

    private final HttpServlet registry;

    CountingServlet(HttpServlet registry) {
      this.registry = registry;
    }

    @Override
    public void init(jakarta.servlet.ServletConfig config) throws jakarta.servlet.ServletException {
      super.init(config);
      registry.init(config);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws jakarta.servlet.ServletException, IOException {
      if (request.getMethod().equals("POST")
          && request.getRequestURI().endsWith("/blobs/uploads/")
          && request.getParameter("mount") == null) {
        blobUploads.incrementAndGet();
      }
      registry.service(request, response);
    }
  }
}
