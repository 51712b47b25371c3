package io.slipway.builder.registry;

import io.slipway.builder.platform.Platform;
import java.util.List;

/**
 * An image exists but has no manifest for the requested platform. {@link #available()} lists the
 * platforms it does have, so the message shows which device types the base image covers.
 */
public class PlatformNotFoundException extends RegistryException {

  private final transient Platform platform;
  private final transient List<Platform> available;

  public PlatformNotFoundException(
      String image, String reference, Platform platform, List<Platform> available) {
    super(
        image,
        reference,
        200,
        "the image does not exist for platform "
            + platform
            + "; it has "
            + (available.isEmpty() ? "no platform entries" : available)
            + ". Build or push the base image for "
            + platform
            + ", or remove that device type from the fleet");
    this.platform = platform;
    this.available = List.copyOf(available);
  }

  /** Returns the platform that was asked for. */
  public Platform platform() {
    return platform;
  }

  /** Returns the platforms the image has, in the order the registry listed them. */
  public List<Platform> available() {
    return available;
  }
}
