package io.slipway.builder.compose;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Converts YAML nodes into plain Java values for a service's configuration: {@link String}, {@link
 * Long} or {@link BigInteger}, {@link Double}, {@link Boolean}, null, {@link List} and {@link Map}
 * with text keys in file order. Stateless.
 */
final class Values {

  private static final String MERGE_KEY = "<<";

  private Values() {}

  /** An alias that contains itself, which has no plain value. */
  static final class RecursiveAliasException extends RuntimeException {
    private final transient Node node;

    RecursiveAliasException(Node node) {
      super("recursive alias");
      this.node = node;
    }

    /** Returns the collection that contains itself. */
    Node node() {
      return node;
    }
  }

  /**
   * Returns the plain value of {@code node}, following aliases and {@code <<} merge keys.
   *
   * @throws RecursiveAliasException when a collection contains itself through an alias
   */
  static Object of(Node node) {
    return of(node, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static Object of(Node node, Set<Node> open) {
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar);
    }
    if (!open.add(node)) {
      throw new RecursiveAliasException(node);
    }
    Object value;
    if (node instanceof SequenceNode sequence) {
      List<Object> list = new ArrayList<>();
      sequence.getValue().forEach(item -> list.add(of(item, open)));
      value = list;
    } else {
      Map<String, Object> map = new LinkedHashMap<>();
      for (NodeTuple tuple : mergedTuples((MappingNode) node, open)) {
        Object key = of(tuple.getKeyNode(), open);
        map.put(String.valueOf(key), of(tuple.getValueNode(), open));
      }
      value = map;
    }
    open.remove(node);
    return value;
  }

  /**
   * Returns the entries of {@code mapping} with {@code <<} merge keys applied: merged entries come
   * after the mapping's own, and a key written in the mapping wins over a merged one.
   */
  static List<NodeTuple> mergedTuples(MappingNode mapping) {
    return mergedTuples(mapping, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static List<NodeTuple> mergedTuples(MappingNode mapping, Set<Node> open) {
    if (!open.add(mapping)) {
      throw new RecursiveAliasException(mapping);
    }
    Map<String, NodeTuple> own = new LinkedHashMap<>();
    List<MappingNode> merged = new ArrayList<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node key = tuple.getKeyNode();
      if (key instanceof ScalarNode scalar
          && scalar.getValue().equals(MERGE_KEY)
          && scalar.isPlain()) {
        collectMerged(tuple.getValueNode(), merged);
      } else {
        own.put(keyText(key), tuple);
      }
    }
    for (MappingNode source : merged) {
      for (NodeTuple tuple : mergedTuples(source, open)) {
        own.putIfAbsent(keyText(tuple.getKeyNode()), tuple);
      }
    }
    open.remove(mapping);
    return new ArrayList<>(own.values());
  }

  private static void collectMerged(Node value, List<MappingNode> into) {
    if (value instanceof MappingNode mapping) {
      into.add(mapping);
    } else if (value instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        if (item instanceof MappingNode mapping) {
          into.add(mapping);
        }
      }
    }
  }

  private static String keyText(Node key) {
    return key instanceof ScalarNode scalar ? scalar.getValue() : String.valueOf(of(key));
  }

  private static Object scalar(ScalarNode scalar) {
    Tag tag = scalar.getTag();
    String value = scalar.getValue();
    if (tag.equals(Tag.NULL)) {
      return null;
    }
    if (tag.equals(Tag.BOOL)) {
      return Boolean.valueOf(value.toLowerCase(java.util.Locale.ROOT));
    }
    if (tag.equals(Tag.INT)) {
      return integer(value);
    }
    if (tag.equals(Tag.FLOAT)) {
      return floating(value);
    }
    return value;
  }

  private static Object integer(String value) {
    try {
      BigInteger number;
      if (value.startsWith("0o")) {
        number = new BigInteger(value.substring(2), 8);
      } else if (value.startsWith("0x")) {
        number = new BigInteger(value.substring(2), 16);
      } else {
        number = new BigInteger(value.startsWith("+") ? value.substring(1) : value);
      }
      return number.bitLength() < 64 ? (Object) number.longValue() : number;
    } catch (NumberFormatException e) {
      return value;
    }
  }

  private static Object floating(String value) {
    String lower = value.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".nan")) {
      return Double.NaN;
    }
    if (lower.endsWith(".inf")) {
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    try {
      return Double.valueOf(value);
    } catch (NumberFormatException e) {
      return value;
    }
  }
}
