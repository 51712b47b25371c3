package io.slipway.builder.engine.jib;

import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.Ports;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import io.slipway.builder.BuildInputException;
import io.slipway.builder.BuildRequest;
import io.slipway.builder.dockerfile.Dockerfile;
import io.slipway.builder.dockerfile.Instruction;
import io.slipway.builder.dockerfile.Stage;
import io.slipway.builder.dockerfile.VariableScope;
import io.slipway.builder.dockerfile.WordExpander;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns the target stage of a parsed Dockerfile into a Jib container: the base of the stage's
 * lineage (its {@code FROM}, followed through earlier stages to an image or {@code scratch}), then
 * every instruction of that lineage in order, each {@code COPY} and {@code ADD} as one layer. Not
 * thread-safe; one instance serves one build.
 */
final class ImageAssembler {

  private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

  private final BuildRequest request;
  private final Dockerfile dockerfile;
  private final VariableScope scope;
  private final BaseImages images;
  private final CopyResolver resolver;
  private final StageFilesystems filesystems;

  private BaseImages.BaseImage baseImage;
  private LayerListings.Tree tree;
  private String workingDirectory = "/";
  private List<String> shell = DEFAULT_SHELL;
  private List<String> entrypoint;
  private List<String> command;
  private boolean commandSet;

  ImageAssembler(
      BuildRequest request,
      Dockerfile dockerfile,
      VariableScope scope,
      BaseImages images,
      CopyResolver resolver,
      StageFilesystems filesystems) {
    this.request = request;
    this.dockerfile = dockerfile;
    this.scope = scope;
    this.images = images;
    this.resolver = resolver;
    this.filesystems = filesystems;
  }

  /** Returns the container for {@code target}, ready to containerize. */
  JibContainerBuilder assemble(Stage target) throws IOException {
    List<Stage> lineage = lineage(target);
    JibContainerBuilder jib = base(lineage.get(0));
    jib.setFormat(ImageFormat.OCI)
        .setPlatforms(Set.of(JibPlatforms.of(request.platform())))
        .setCreationTime(request.created());
    for (Stage stage : lineage) {
      for (Instruction instruction : stage.instructions()) {
        apply(jib, stage, instruction);
      }
    }
    jib.setEnvironment(scope.environment(target));
    finishCommand(jib);
    return jib;
  }

  /** Returns the stages from the one built on an image or scratch down to {@code target}. */
  private List<Stage> lineage(Stage target) {
    List<Stage> lineage = new ArrayList<>();
    Stage current = target;
    while (current != null) {
      lineage.add(0, current);
      int index = current.index();
      current =
          dockerfile.stage(scope.baseImage(current)).filter(s -> s.index() < index).orElse(null);
    }
    return lineage;
  }

  private JibContainerBuilder base(Stage root) {
    String base = scope.baseImage(root);
    if (base.equalsIgnoreCase("scratch")) {
      return Jib.fromScratch();
    }
    BaseImages.BaseImage image = images.image(base, root.line());
    baseImage = image;
    workingDirectory = image.workingDirectory();
    try {
      return Jib.from(
          RegistryImage.named(image.reference().toString())
              .addCredential(request.credentials().username(), request.credentials().password()));
    } catch (InvalidImageReferenceException e) {
      throw new BuildInputException(
          dockerfile.fileName(), root.line(), "base image " + base + " is not a valid reference");
    }
  }

  private void apply(JibContainerBuilder jib, Stage stage, Instruction instruction)
      throws IOException {
    switch (instruction.keyword()) {
      case "COPY", "ADD" -> copy(jib, stage, instruction);
      case "WORKDIR" -> {
        workingDirectory = ImagePaths.absolute(expanded(instruction), workingDirectory);
        jib.setWorkingDirectory(AbsoluteUnixPath.get(workingDirectory));
      }
      case "USER" -> jib.setUser(expanded(instruction));
      case "LABEL" -> labels(jib, instruction);
      case "EXPOSE" -> expose(jib, instruction);
      case "VOLUME" -> volumes(jib, instruction);
      case "SHELL" -> shell = requireExec(instruction);
      case "ENTRYPOINT" -> {
        entrypoint = commandLine(instruction);
        // As in Docker, a new ENTRYPOINT drops the CMD set before it.
        command = null;
        commandSet = true;
      }
      case "CMD" -> {
        command = commandLine(instruction);
        commandSet = true;
      }
      default -> {
        // ARG and ENV act through the variable scope; MAINTAINER is obsolete and not recorded.
      }
    }
  }

  private void copy(JibContainerBuilder jib, Stage stage, Instruction instruction)
      throws IOException {
    CopySpec spec = CopySpec.of(instruction, scope, dockerfile.fileName(), dockerfile.escape());
    boolean rooted = spec.from() != null;
    Path root = rooted ? filesystems.root(spec.from(), stage, instruction) : request.context();
    List<Placement> placements =
        resolver.resolve(spec, root, rooted, workingDirectory, this::isDirectory);
    jib.addFileEntriesLayer(CopyLayers.layer(spec, placements, root, rooted, tree()::addDirectory));
  }

  /**
   * Returns true when {@code imagePath} is a directory of the image so far. The base's layer
   * listing is read only when a destination needs it: a single file copied to a path without a
   * trailing slash.
   */
  private boolean isDirectory(String imagePath) {
    return tree().isDirectory(imagePath);
  }

  private LayerListings.Tree tree() {
    if (tree == null) {
      try {
        tree = baseImage == null ? images.emptyTree() : images.tree(baseImage);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return tree;
  }

  private void finishCommand(JibContainerBuilder jib) {
    if (entrypoint != null) {
      jib.setEntrypoint(entrypoint);
    }
    if (commandSet) {
      jib.setProgramArguments(command);
    }
  }

  /** Returns the exec form as written, or the shell form run by the current SHELL. */
  private List<String> commandLine(Instruction instruction) {
    if (instruction.isExecForm()) {
      return instruction.execForm();
    }
    if (instruction.arguments().isEmpty()) {
      return null;
    }
    List<String> line = new ArrayList<>(shell);
    line.add(instruction.arguments());
    return line;
  }

  private List<String> requireExec(Instruction instruction) {
    if (!instruction.isExecForm() || instruction.execForm().isEmpty()) {
      throw new BuildInputException(
          dockerfile.fileName(),
          instruction.line(),
          "SHELL needs a JSON array, such as SHELL [\"/bin/sh\", \"-c\"]");
    }
    return instruction.execForm();
  }

  private void labels(JibContainerBuilder jib, Instruction instruction) {
    List<String> words = expandedWords(instruction, instruction.arguments());
    if (!words.isEmpty() && !words.get(0).contains("=")) {
      // The old form LABEL key value sets one label to the rest of the line.
      String rest = String.join(" ", words.subList(1, words.size()));
      jib.addLabel(words.get(0), rest);
      return;
    }
    for (String word : words) {
      int equals = word.indexOf('=');
      if (equals <= 0) {
        throw new BuildInputException(
            dockerfile.fileName(),
            instruction.line(),
            "LABEL '" + word + "' is not KEY=VALUE; write LABEL key=value [key=value ...]");
      }
      jib.addLabel(word.substring(0, equals), word.substring(equals + 1));
    }
  }

  private void expose(JibContainerBuilder jib, Instruction instruction) {
    for (String word : expandedWords(instruction, instruction.arguments())) {
      try {
        for (Port port : Ports.parse(List.of(word))) {
          jib.addExposedPort(port);
        }
      } catch (NumberFormatException e) {
        throw new BuildInputException(
            dockerfile.fileName(),
            instruction.line(),
            "EXPOSE '" + word + "' is not PORT[/tcp|/udp] or a range such as 8000-8010");
      }
    }
  }

  private void volumes(JibContainerBuilder jib, Instruction instruction) {
    List<String> paths =
        instruction.isExecForm()
            ? instruction.execForm().stream().map(p -> scope.expand(instruction, p)).toList()
            : expandedWords(instruction, instruction.arguments());
    for (String path : paths) {
      jib.addVolume(AbsoluteUnixPath.get(ImagePaths.absolute(path, workingDirectory)));
    }
  }

  private String expanded(Instruction instruction) {
    return String.join(" ", expandedWords(instruction, instruction.arguments()));
  }

  private List<String> expandedWords(Instruction instruction, String text) {
    return WordExpander.split(text, dockerfile.escape()).stream()
        .map(word -> scope.expand(instruction, word))
        .toList();
  }
}
