package io.slipway.delta.apply;

import io.slipway.delta.image.Digest;
import io.slipway.delta.layout.OciLayout;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Applies a payload file to a base image in an OCI layout, for a test that runs it in a JVM with a
 * small heap. Arguments: layout directory, payload file, source digest, target digest, staging
 * directory, scratch directory. Prints the target digest and the maximum heap in MiB.
 */
public final class ApplyWithBoundedHeap {

  private ApplyWithBoundedHeap() {}

  public static void main(String[] args) throws Exception {
    OciLayout base = new OciLayout(Path.of(args[0]));
    AppliedImage applied;
    try (InputStream payload = new BufferedInputStream(Files.newInputStream(Path.of(args[1])))) {
      applied =
          new DeltaApplier(Path.of(args[5]))
              .apply(payload, base, Digest.of(args[2]), Digest.of(args[3]), Path.of(args[4]));
    }

    System.out.println("applied " + applied.targetManifest());
    System.out.println("max heap MiB " + Runtime.getRuntime().maxMemory() / (1 << 20));
  }
}
