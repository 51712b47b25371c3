package io.slipway.delta.format;

import java.util.List;
import java.util.Objects;

/**
 * A bsdiff-style patch of one target against one reference. Applying walks the controls in order,
 * starting at reference position 0: for each control, output {@code addLength} bytes that are the
 * reference's next bytes plus the next {@code addLength} bytes of {@link #diff()} (byte-wise,
 * modulo 256), then output the next {@code insertLength} bytes of {@link #extra()} as they are,
 * then move the reference position by {@code seek} (which may be negative). Immutable.
 *
 * @param controls the control triples in order
 * @param diff the concatenated add bytes, as long as the sum of add lengths
 * @param extra the concatenated insert bytes, as long as the sum of insert lengths
 */
public record BsdiffPatch(List<Control> controls, byte[] diff, byte[] extra) {

  /**
   * One step of a bsdiff patch.
   *
   * @param addLength bytes taken from the reference and added to diff bytes, at least 0
   * @param insertLength bytes taken from the extra bytes, at least 0
   * @param seek how far the reference position moves after the step
   */
  public record Control(long addLength, long insertLength, long seek) {

    /**
     * @throws IllegalArgumentException naming the value when a length is negative
     */
    public Control {
      if (addLength < 0 || insertLength < 0) {
        throw new IllegalArgumentException(
            "Control add " + addLength + " insert " + insertLength + " has a negative length");
      }
    }
  }

  /**
   * @throws IllegalArgumentException when the byte arrays do not match the control lengths
   */
  public BsdiffPatch {
    controls = List.copyOf(controls);
    Objects.requireNonNull(diff, "diff");
    Objects.requireNonNull(extra, "extra");
    long adds = controls.stream().mapToLong(Control::addLength).sum();
    long inserts = controls.stream().mapToLong(Control::insertLength).sum();
    if (adds != diff.length || inserts != extra.length) {
      throw new IllegalArgumentException(
          "Bsdiff patch lengths disagree: controls add "
              + adds
              + " and insert "
              + inserts
              + " bytes, but diff has "
              + diff.length
              + " and extra "
              + extra.length);
    }
  }

  /** Returns the number of bytes the patch produces. */
  public long targetLength() {
    return diff.length + (long) extra.length;
  }
}
