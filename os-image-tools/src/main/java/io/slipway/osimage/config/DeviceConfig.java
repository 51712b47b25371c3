package io.slipway.osimage.config;

/**
 * The config.json in a configured image's boot partition: what a device needs to join its fleet on
 * first boot. Field reference: docs/os-images.md.
 *
 * <p>NOTE: the lead fills this in; the fields are fixed in the design brief.
 */
public final class DeviceConfig {

  private DeviceConfig() {}
}
