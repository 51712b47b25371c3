package io.slipway.agent;

/**
 * The program on each device: joins its fleet, keeps the device on its target release and reports
 * its state. It runs on small boards, so it depends only on modules that devices also use (signing,
 * delta), never on server-only ones.
 *
 * <p>NOTE: provisioning and updates arrive with the device agent; this is the entry point only.
 */
public final class DeviceAgent {

  private DeviceAgent() {}

  /** Starts the agent; prints its purpose until the agent is built. */
  public static void main(String[] args) {
    System.out.println("slipway device agent: not yet implemented");
  }
}
