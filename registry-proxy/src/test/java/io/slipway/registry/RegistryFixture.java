package io.slipway.registry;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.slipway.registry.auth.Scope;
import io.slipway.registry.auth.TokenVerifier;
import io.slipway.storage.BlobStore;
import io.slipway.storage.filesystem.FilesystemBlobStore;
import io.slipway.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * A registry served by embedded Tomcat on a free loopback port, with filesystem storage in a
 * temporary directory, a fresh database and its own token signing key.
 */
public final class RegistryFixture implements AutoCloseable {

  public static final String ISSUER = "test-issuer";
  public static final String SERVICE = "test-registry";

  private final Tomcat tomcat;
  private final KeyPair keys;
  private final Path root;
  private final BlobStore store;
  private final Registry registry;
  private final int port;

  private RegistryFixture(
      TestDatabase database,
      RegistrySettings settings,
      Path root,
      BiConsumer<Context, RegistryFixture> setup)
      throws Exception {
    this.root = root;
    this.keys = generateKeys();
    this.store = new FilesystemBlobStore(root.resolve("blobs"));
    this.registry =
        Registry.builder()
            .settings(settings)
            .blobStore(store)
            .dataSource(database.dataSource())
            .tokenVerifier(
                new TokenVerifier(
                    (ECPublicKey) keys.getPublic(), ISSUER, SERVICE, Clock.systemUTC()))
            .build();
    this.tomcat = new Tomcat();
    tomcat.setBaseDir(root.resolve("tomcat").toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    Tomcat.addServlet(context, "registry", registry.servlet());
    context.addServletMappingDecoded("/v2/*", "registry");
    setup.accept(context, this);
    tomcat.start();
    this.port = connector.getLocalPort();
  }

  /** Starts a registry on H2 with default settings. */
  public static RegistryFixture start() throws Exception {
    return start(TestDatabase.h2(), settings(RegistrySettings.DEFAULT_MAX_UPLOAD_BYTES, false));
  }

  public static RegistryFixture start(TestDatabase database, RegistrySettings settings)
      throws Exception {
    return start(database, settings, (context, fixture) -> {});
  }

  /**
   * Starts a registry and lets {@code setup} add servlets or filters to its web context before
   * Tomcat starts; {@code setup} receives the fixture for its signing key, but not yet its port.
   */
  public static RegistryFixture start(
      TestDatabase database, RegistrySettings settings, BiConsumer<Context, RegistryFixture> setup)
      throws Exception {
    return new RegistryFixture(
        database, settings, Files.createTempDirectory("registry-test"), setup);
  }

  public static RegistrySettings settings(long maxUploadBytes, boolean anonymousPull) {
    return new RegistrySettings(
        URI.create("/auth/token"),
        SERVICE,
        anonymousPull,
        maxUploadBytes,
        RegistrySettings.DEFAULT_MAX_MANIFEST_BYTES,
        List.of());
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public Registry registry() {
    return registry;
  }

  public BlobStore store() {
    return store;
  }

  public Path root() {
    return root;
  }

  /** Issues a token that grants {@code scopes}, valid for five minutes. */
  public String token(Scope... scopes) {
    return token(Instant.now().plusSeconds(300), scopes);
  }

  /** Issues a token that grants {@code scopes} and expires at {@code expiry}. */
  public String token(Instant expiry, Scope... scopes) {
    return sign(keys, ISSUER, SERVICE, expiry, scopes);
  }

  /** Issues a token signed by another key, which the registry must reject. */
  public String foreignToken(Scope... scopes) {
    return sign(generateKeys(), ISSUER, SERVICE, Instant.now().plusSeconds(300), scopes);
  }

  static String sign(
      KeyPair keys, String issuer, String audience, Instant expiry, Scope... scopes) {
    List<Map<String, Object>> access =
        java.util.Arrays.stream(scopes)
            .map(
                scope ->
                    Map.<String, Object>of(
                        "type",
                        scope.type(),
                        "name",
                        scope.name(),
                        "actions",
                        List.copyOf(scope.actions())))
            .toList();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject("tester")
            .issueTime(new Date())
            .expirationTime(Date.from(expiry))
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

  static KeyPair generateKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    tomcat.stop();
    tomcat.destroy();
  }
}
