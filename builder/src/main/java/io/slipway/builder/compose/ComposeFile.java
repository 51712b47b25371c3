package io.slipway.builder.compose;

import io.slipway.builder.BuildInputException;
import io.slipway.builder.project.ServiceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A compose file (the compose specification, including the version 2.x fields) reduced to what a
 * build needs: each service's build section ({@code context}, {@code dockerfile}, {@code args},
 * {@code target}) or {@code image}, its environment and labels, and every other field kept as its
 * configuration. Top-level {@code version}, {@code networks}, {@code volumes} and {@code x-}
 * extension fields are accepted and ignored; YAML anchors, aliases and {@code <<} merge keys work.
 * Immutable.
 *
 * <p>Against alias bombs, a file may hold at most {@value #MAX_CODE_POINTS} characters and {@value
 * #MAX_COLLECTION_ALIASES} aliases of lists or mappings, and reading it may produce at most {@value
 * #MAX_VALUES} values, counting each copy made by an alias.
 *
 * <p>{@code ${VARIABLE}} interpolation of compose values is not done: values are kept as written.
 *
 * @param file the compose file's name relative to the project root
 * @param services the services in file order
 */
public record ComposeFile(String file, List<ServiceSpec> services) {

  private static final Pattern SERVICE_NAME =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Set<String> SEPARATE = Set.of("build", "image", "environment", "labels");

  /** Maximum number of characters (Unicode code points) in a compose file. */
  public static final int MAX_CODE_POINTS = 1_000_000;

  /** Maximum number of aliases of a list or a mapping in a compose file. */
  public static final int MAX_COLLECTION_ALIASES = 100;

  /** Maximum number of values (scalars, lists, mappings, entries) that reading a file produces. */
  public static final int MAX_VALUES = 100_000;

  public ComposeFile {
    Objects.requireNonNull(file, "file");
    services = List.copyOf(services);
  }

  /**
   * Reads the compose file at {@code path}.
   *
   * @param path the file
   * @param name its name relative to the project root, for messages
   * @throws BuildInputException naming the file, the line and the fix when the file is not valid
   *     YAML, not a mapping, has no services, a service is invalid, or the file is over a limit
   * @throws UncheckedIOException when the file cannot be read
   */
  public static ComposeFile read(Path path, String name) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read compose file " + path, e);
    }
    return parse(text, name);
  }

  /**
   * Parses compose file text.
   *
   * @param text the YAML text
   * @param name the file's name relative to the project root, for messages
   * @throws BuildInputException as {@link #read} does
   */
  public static ComposeFile parse(String text, String name) {
    requireSize(text, name);
    Node root = compose(text, name);
    try {
      return new Reader(name).file(root);
    } catch (Values.RecursiveAliasException e) {
      int line = e.node().getStartMark().map(m -> m.getLine() + 1).orElse(0);
      throw new BuildInputException(
          name, line, "this value refers to itself through an alias; remove the loop");
    } catch (Values.ExpansionException e) {
      throw new BuildInputException(name, Reader.line(e.node()), tooManyValues(e));
    }
  }

  private static void requireSize(String text, String name) {
    if (text.length() <= MAX_CODE_POINTS
        || text.codePointCount(0, text.length()) <= MAX_CODE_POINTS) {
      return;
    }
    int end = text.offsetByCodePoints(0, MAX_CODE_POINTS);
    int line = (int) text.substring(0, end).chars().filter(c -> c == '\n').count() + 1;
    throw new BuildInputException(
        name,
        line,
        "the compose file is longer than "
            + MAX_CODE_POINTS
            + " characters; keep it short and move what is large into files");
  }

  private static String tooManyValues(Values.ExpansionException e) {
    return "reading the compose file produces more than "
        + e.limit()
        + " values, counting each copy an alias makes; use fewer nested aliases";
  }

  private static Node compose(String text, String name) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(name)
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false)
            .setMaxAliasesForCollections(MAX_COLLECTION_ALIASES)
            .setCodePointLimit(MAX_CODE_POINTS)
            .build();
    try {
      return new Compose(settings)
          .composeString(text)
          .orElseThrow(
              () ->
                  new BuildInputException(
                      name, 1, "the compose file is empty; define services: with at least one"));
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
      throw new BuildInputException(
          name, line, "invalid YAML: " + e.getProblem() + "; fix the syntax at that line");
    } catch (YamlEngineException e) {
      if (String.valueOf(e.getMessage()).contains("aliases")) {
        throw new BuildInputException(
            name,
            0,
            "the compose file has more than "
                + MAX_COLLECTION_ALIASES
                + " aliases of lists or mappings; use fewer aliases");
      }
      throw new BuildInputException(name, 0, "invalid YAML: " + e.getMessage());
    }
  }

  /** Turns the node tree of one file into services. */
  private static final class Reader {
    private final String file;
    private final Values.Budget budget = new Values.Budget(MAX_VALUES);

    Reader(String file) {
      this.file = file;
    }

    ComposeFile file(Node root) {
      MappingNode top = mapping(root, "the compose file must be a mapping with a services: key");
      Map<String, NodeTuple> fields = fields(top);
      NodeTuple services = fields.get("services");
      if (services == null) {
        throw error(root, "the compose file has no services: key; add services: with at least one");
      }
      MappingNode serviceMap =
          mapping(services.getValueNode(), "services: must map service names to definitions");
      if (serviceMap.getValue().isEmpty()) {
        throw error(services.getKeyNode(), "services: is empty; define at least one service");
      }
      List<ServiceSpec> specs = new ArrayList<>();
      for (NodeTuple service : serviceMap.getValue()) {
        specs.add(service(service));
      }
      return new ComposeFile(file, specs);
    }

    private ServiceSpec service(NodeTuple tuple) {
      String name = scalar(tuple.getKeyNode(), "a service name must be text");
      if (name.length() > 63 || !SERVICE_NAME.matcher(name).matches()) {
        throw error(
            tuple.getKeyNode(),
            "service name '"
                + name
                + "' is invalid; use at most 63 lower-case letters and digits separated by '.',"
                + " '_' or '-'");
      }
      Node definition = tuple.getValueNode();
      MappingNode body = mapping(definition, "service " + name + " must be a mapping");
      Map<String, NodeTuple> fields = fields(body);
      String image = fields.containsKey("image") ? text(fields.get("image"), "image") : null;
      Build build = fields.containsKey("build") ? build(name, fields.get("build")) : null;
      if (build == null && image == null) {
        throw error(
            tuple.getKeyNode(),
            "service " + name + " has neither build: nor image:; add one of them");
      }
      Map<String, Object> configuration = new LinkedHashMap<>();
      fields.forEach(
          (key, field) -> {
            if (!SEPARATE.contains(key)) {
              configuration.put(key, value(key, field));
            }
          });
      return new ServiceSpec(
          name,
          file,
          line(tuple.getKeyNode()),
          build == null ? null : build.context(),
          build == null ? null : build.dockerfile(),
          build == null ? Map.of() : build.args(),
          build == null ? null : build.target(),
          image,
          configuration,
          keyValues(fields.get("environment"), name),
          keyValues(fields.get("labels"), name));
    }

    /** Converts one field, naming the field's line when aliases expand it past the budget. */
    private Object value(String key, NodeTuple field) {
      try {
        return Values.of(field.getValueNode(), budget);
      } catch (Values.ExpansionException e) {
        throw error(
            field.getKeyNode(), "the value of " + key + ": is too large; " + tooManyValues(e));
      }
    }

    private Build build(String service, NodeTuple tuple) {
      Node value = tuple.getValueNode();
      if (value instanceof ScalarNode) {
        return new Build(context(text(tuple, "build"), value), null, Map.of(), null);
      }
      Map<String, NodeTuple> fields =
          fields(mapping(value, "build: of service " + service + " must be a path or a mapping"));
      if (fields.containsKey("dockerfile_inline")) {
        throw error(
            fields.get("dockerfile_inline").getKeyNode(),
            "dockerfile_inline is not supported; put the Dockerfile in a file and name it in"
                + " dockerfile:");
      }
      String context =
          fields.containsKey("context")
              ? context(text(fields.get("context"), "context"), value)
              : ".";
      String dockerfile = null;
      if (fields.containsKey("dockerfile")) {
        NodeTuple field = fields.get("dockerfile");
        dockerfile = text(field, "dockerfile");
        // The Dockerfile is relative to the context and may sit beside it, as long as it stays
        // inside the project.
        relativePath(context + "/" + dockerfile, field.getValueNode(), "dockerfile");
        if (dockerfile.startsWith("/")) {
          throw error(
              field.getValueNode(),
              "dockerfile '"
                  + dockerfile
                  + "' is absolute; write it relative to the build context");
        }
      }
      String target = fields.containsKey("target") ? text(fields.get("target"), "target") : null;
      Map<String, String> args = keyValues(fields.get("args"), service);
      return new Build(context, dockerfile, args, target);
    }

    private String context(String context, Node node) {
      if (context.contains("://") || context.startsWith("git@")) {
        throw error(
            node,
            "build context '"
                + context
                + "' is a URL; Slipway builds from the uploaded source tree, so use a directory"
                + " inside it");
      }
      return relativePath(context, node, "build context");
    }

    /** Normalizes a path inside the project: no absolute path, no escape through {@code ..}. */
    private String relativePath(String path, Node node, String label) {
      if (path.startsWith("/") || path.matches("[A-Za-z]:[\\\\/].*")) {
        throw error(
            node, label + " '" + path + "' is absolute; write it relative to the project root");
      }
      Path normalized = Path.of(path.isEmpty() ? "." : path).normalize();
      String text = normalized.toString().replace('\\', '/');
      if (text.equals("..") || text.startsWith("../")) {
        throw error(
            node,
            label + " '" + path + "' leaves the project; keep it inside the project directory");
      }
      return text.isEmpty() ? "." : text;
    }

    /**
     * Reads {@code environment}, {@code labels} or {@code args}: a mapping or a list of KEY=VALUE.
     * In compose, a name without a value takes its value from the host's environment. The server
     * has no such environment, so an environment variable or label gets an empty value. A build
     * argument is left out instead, which keeps the Dockerfile's default.
     */
    private Map<String, String> keyValues(NodeTuple tuple, String service) {
      Map<String, String> values = new LinkedHashMap<>();
      if (tuple == null || isNull(tuple.getValueNode())) {
        return values;
      }
      String key = scalar(tuple.getKeyNode(), "key");
      Node node = tuple.getValueNode();
      if (node instanceof SequenceNode sequence) {
        for (Node item : sequence.getValue()) {
          String entry =
              scalar(item, key + " of service " + service + " must list KEY=VALUE texts");
          int equals = entry.indexOf('=');
          if (equals == 0) {
            throw error(item, key + " entry '" + entry + "' has no name; write KEY=VALUE");
          }
          if (equals > 0) {
            values.put(entry.substring(0, equals), entry.substring(equals + 1));
          } else if (!key.equals("args")) {
            values.put(entry, "");
          }
        }
        return values;
      }
      MappingNode mapping =
          mapping(node, key + " of service " + service + " must be a mapping or a KEY=VALUE list");
      for (NodeTuple entry : mergedTuples(mapping)) {
        Node value = entry.getValueNode();
        if (!(value instanceof ScalarNode)) {
          throw error(value, key + " value must be text, a number or a boolean");
        }
        Object converted = Values.of((ScalarNode) value);
        String name = scalar(entry.getKeyNode(), key + " names must be text");
        if (converted != null) {
          values.put(name, converted.toString());
        } else if (!key.equals("args")) {
          values.put(name, "");
        }
      }
      return values;
    }

    private Map<String, NodeTuple> fields(MappingNode mapping) {
      rejectDuplicateKeys(mapping);
      Map<String, NodeTuple> fields = new LinkedHashMap<>();
      for (NodeTuple tuple : mergedTuples(mapping)) {
        fields.put(scalar(tuple.getKeyNode(), "keys must be text"), tuple);
      }
      return fields;
    }

    private void rejectDuplicateKeys(MappingNode mapping) {
      Map<String, Node> seen = new LinkedHashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        Node key = tuple.getKeyNode();
        if (!(key instanceof ScalarNode scalar) || scalar.getValue().equals("<<")) {
          continue;
        }
        Node earlier = seen.putIfAbsent(scalar.getValue(), key);
        if (earlier != null) {
          throw error(
              key,
              "key '"
                  + scalar.getValue()
                  + "' appears twice (first at line "
                  + line(earlier)
                  + "); keep one");
        }
      }
    }

    private List<NodeTuple> mergedTuples(MappingNode mapping) {
      rejectDuplicateKeys(mapping);
      return Values.mergedTuples(mapping, budget);
    }

    private MappingNode mapping(Node node, String reason) {
      if (node instanceof MappingNode mapping) {
        return mapping;
      }
      throw error(node, reason);
    }

    private String text(NodeTuple tuple, String field) {
      Node value = tuple.getValueNode();
      if (!(value instanceof ScalarNode scalar) || isNull(value)) {
        throw error(value, field + ": must be text");
      }
      return scalar.getValue();
    }

    private String scalar(Node node, String reason) {
      if (node instanceof ScalarNode scalar) {
        return scalar.getValue();
      }
      throw error(node, reason);
    }

    private static boolean isNull(Node node) {
      return node instanceof ScalarNode scalar && Values.of(scalar) == null;
    }

    private BuildInputException error(Node node, String reason) {
      return new BuildInputException(file, line(node), reason);
    }

    static int line(Node node) {
      return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }
  }

  /** A service's build section, paths normalized and relative to the project root. */
  private record Build(
      String context, String dockerfile, Map<String, String> args, String target) {}
}
