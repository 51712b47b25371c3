package io.slipway.api.deploy;

import io.slipway.api.deploy.DeploymentRequest.ServiceRequest;
import java.util.Objects;

/**
 * One service of a deploy with its image resolved into this server's registry. Immutable.
 *
 * @param service the service name
 * @param named the image as the request named it
 * @param repository the local repository that contains it
 * @param reference the tag or digest to read there
 * @param settings the service's environment, labels and configuration from the request
 */
public record SourceImage(
    String service,
    SourceReference named,
    String repository,
    String reference,
    ServiceRequest settings) {

  public SourceImage {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(named, "named");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(reference, "reference");
    settings = settings == null ? new ServiceRequest(null, null, null, null) : settings;
  }

  /** Returns how messages name the image: as written, and the repository here when it differs. */
  public String describe() {
    String here = repository + (reference.startsWith("sha256:") ? "@" : ":") + reference;
    return named.path().equals(repository) ? named.text() : named.text() + " (" + here + " here)";
  }
}
