package io.slipway.builder.dockerfile;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One build stage: a {@code FROM} instruction and the instructions after it up to the next {@code
 * FROM}. Immutable.
 *
 * @param index the stage's 0-based position in the Dockerfile
 * @param name the lower-case name given with {@code AS}, or null
 * @param baseImage the image or stage reference after {@code FROM}, as written (variables not
 *     expanded), such as {@code alpine:${VERSION}}, {@code build} or {@code scratch}
 * @param platform the {@code --platform} value as written, or null
 * @param from the {@code FROM} instruction itself
 * @param instructions the instructions after {@code FROM}, in order
 */
public record Stage(
    int index,
    String name,
    String baseImage,
    String platform,
    Instruction from,
    List<Instruction> instructions) {

  /**
   * @throws IllegalArgumentException when the index is negative or {@code from} is not a FROM
   */
  public Stage {
    Objects.requireNonNull(baseImage, "baseImage");
    Objects.requireNonNull(from, "from");
    if (index < 0) {
      throw new IllegalArgumentException("Stage index " + index + " must not be negative");
    }
    if (!from.is("FROM")) {
      throw new IllegalArgumentException(
          "Stage must start with FROM, not " + from.keyword() + " at line " + from.line());
    }
    instructions = List.copyOf(instructions);
  }

  /** Returns the 1-based line of the stage's {@code FROM}. */
  public int line() {
    return from.line();
  }

  /** Returns the name if the stage has one, else its index as text, as {@code --from} accepts. */
  public String label() {
    return name != null ? name : Integer.toString(index);
  }

  /** Returns the first {@code RUN} instruction of this stage, if it has one. */
  public Optional<Instruction> firstRun() {
    return instructions.stream().filter(i -> i.is("RUN")).findFirst();
  }
}
