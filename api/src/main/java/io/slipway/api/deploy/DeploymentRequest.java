package io.slipway.api.deploy;

import java.util.Map;

/**
 * Body of {@code POST /api/v1/orgs/{org}/fleets/{fleet}/deployments}. Every field may be left out,
 * but {@code services} or {@code tag} must be given.
 *
 * @param version the release version, or null for the next patch version of the fleet
 * @param commit the source commit the images were built from, 7 to 64 hex digits, or null
 * @param services each service's image and run settings, by service name, in the order given
 * @param tag with {@code services}: the tag of {@code ORG/FLEET/SERVICE} for each service that
 *     names no image; alone: deploy every repository {@code ORG/FLEET/SERVICE} holding this tag
 */
public record DeploymentRequest(
    String version, String commit, Map<String, ServiceRequest> services, String tag) {

  /**
   * One service of a deploy.
   *
   * @param image the image reference, such as {@code HOST/acme/sensors/web:1.0}; null to read
   *     {@code ORG/FLEET/SERVICE:TAG} with the request's {@code tag}
   * @param environment environment variables of the service, or null
   * @param labels container labels, or null
   * @param configuration the rest of the service's compose entry (ports, volumes, ...), or null
   */
  public record ServiceRequest(
      String image,
      Map<String, String> environment,
      Map<String, String> labels,
      Map<String, Object> configuration) {}
}
