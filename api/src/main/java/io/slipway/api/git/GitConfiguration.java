package io.slipway.api.git;

import io.slipway.api.access.AccessControl;
import io.slipway.api.audit.AuditLog;
import io.slipway.api.build.BuilderProperties;
import io.slipway.api.fleet.Fleet;
import io.slipway.api.identity.Authenticator;
import io.slipway.api.identity.Identity;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Serves each fleet's git repository over the smart HTTP protocol at {@code /git/ORG/FLEET.git}:
 * JGit's {@link GitServlet} behind {@link GitAccessFilter}. Pushes run {@link DeployHook}; received
 * objects are checked, a pack may be no larger than the largest accepted build source, and no
 * object in it larger than {@link GitProperties#maxObjectSize()}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GitProperties.class)
class GitConfiguration {

  @Bean
  FilterRegistrationBean<GitAccessFilter> gitAccessFilter(
      Authenticator authenticator, AccessControl access, AuditLog audit, GitProperties git) {
    UnpackPermits permits = new UnpackPermits(git.maxConcurrentUnpacks());
    FilterRegistrationBean<GitAccessFilter> registration =
        new FilterRegistrationBean<>(new GitAccessFilter(authenticator, access, audit, permits));
    registration.addUrlPatterns("/git/*");
    registration.setName("gitAccess");
    return registration;
  }

  @Bean
  ServletRegistrationBean<GitServlet> gitServlet(
      GitRepositories repositories,
      DeployBuild builds,
      AuditLog audit,
      BuilderProperties properties,
      GitProperties git) {
    GitServlet servlet = new GitServlet();
    servlet.setRepositoryResolver(
        (HttpServletRequest request, String name) -> open(repositories, request));
    servlet.setUploadPackFactory((request, repository) -> new UploadPack(repository));
    servlet.setReceivePackFactory(
        (request, repository) -> {
          ReceivePack receivePack = new ReceivePack(repository);
          receivePack.setCheckReceivedObjects(true);
          receivePack.setAllowNonFastForwards(true);
          receivePack.setAllowDeletes(true);
          receivePack.setAllowPushOptions(true);
          receivePack.setMaxPackSizeLimit(properties.maxSourceSize().toBytes());
          // Checked before an object is inflated; for a delta, against the size of its result.
          receivePack.setMaxObjectSizeLimit(git.maxObjectSize().toBytes());
          receivePack.setPreReceiveHook(
              new DeployHook(
                  identity(request), fleet(request), builds, audit, unpackPermit(request)));
          return receivePack;
        });
    // NOTE: JGit's servlet logs a rejected pack (too large, corrupt) as an internal error with its
    // stack trace. A ReceivePackErrorHandler could log it as a warning, but then git loses the
    // reason.
    ServletRegistrationBean<GitServlet> registration =
        new ServletRegistrationBean<>(servlet, "/git/*");
    registration.setName("git");
    registration.setLoadOnStartup(1);
    return registration;
  }

  private static Repository open(GitRepositories repositories, HttpServletRequest request)
      throws RepositoryNotFoundException {
    Fleet fleet = fleet(request);
    try {
      return repositories.open(fleet);
    } catch (IOException e) {
      RepositoryNotFoundException notFound =
          new RepositoryNotFoundException(fleet.repositoryPrefix());
      notFound.initCause(e);
      throw notFound;
    }
  }

  private static Fleet fleet(HttpServletRequest request) {
    Object fleet = request.getAttribute(GitAccessFilter.FLEET);
    if (fleet instanceof Fleet admitted) {
      return admitted;
    }
    // Only GitAccessFilter's requests reach the servlet; this guards against a changed mapping.
    throw new IllegalStateException("Git request without an admitted fleet");
  }

  /** Returns the push's unpack turn, or null for a request without one. */
  private static UnpackPermits.Permit unpackPermit(HttpServletRequest request) {
    return (UnpackPermits.Permit) request.getAttribute(GitAccessFilter.UNPACK_PERMIT);
  }

  private static Identity identity(HttpServletRequest request) {
    return (Identity) request.getAttribute(GitAccessFilter.IDENTITY);
  }
}
