package io.slipway.api.fleet;

import org.eclipse.jgit.lib.Repository;

/**
 * Checks the name of a fleet's deploy branch. Stateless.
 *
 * <p>A valid name is what {@code git check-ref-format --branch} accepts, without {@code *} and at
 * most {@value #MAX_LENGTH} characters: {@code main}, {@code release/2.x}. So neither {@code HEAD}
 * nor a name starting with {@code -} is one.
 */
public final class DeployBranch {

  /** Longest accepted branch name, the size of its database column. */
  public static final int MAX_LENGTH = 255;

  private DeployBranch() {}

  /** Returns true when {@code name} may be a fleet's deploy branch. */
  public static boolean isValid(String name) {
    return name != null
        && !name.isEmpty()
        && name.length() <= MAX_LENGTH
        && !name.contains("*")
        && !name.startsWith("refs/")
        && !name.startsWith("-")
        && !name.equals("HEAD")
        && Repository.isValidRefName("refs/heads/" + name);
  }

  /**
   * Returns {@code name} when it is valid.
   *
   * @throws IllegalArgumentException naming the value and the rules when it is not
   */
  public static String require(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "Deploy branch '"
              + name
              + "' is not a valid git branch name: give the name without refs/heads/, such as"
              + " 'main' or 'release/2.x', with no spaces, '..', '~', '^', ':', '?', '*', '['"
              + " or '\\\\', not HEAD and not starting with '-', at most "
              + MAX_LENGTH
              + " characters");
    }
    return name;
  }
}
