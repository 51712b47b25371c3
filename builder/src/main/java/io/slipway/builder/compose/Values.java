package io.slipway.builder.compose;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** Returns the plain value of {@code node}, following aliases and {@code <<} merge keys. */
  static Object of(Node node) {
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar);
    }
    if (node instanceof SequenceNode sequence) {
      List<Object> list = new ArrayList<>();
      sequence.getValue().forEach(item -> list.add(of(item)));
      return list;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (NodeTuple tuple : mergedTuples((MappingNode) node)) {
      Object key = of(tuple.getKeyNode());
      map.put(String.valueOf(key), of(tuple.getValueNode()));
    }
    return map;
  }

  /**
   * Returns the entries of {@code mapping} with {@code <<} merge keys applied: merged entries come
   * after the mapping's own, and a key written in the mapping wins over a merged one.
   */
  static List<NodeTuple> mergedTuples(MappingNode mapping) {
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
      for (NodeTuple tuple : mergedTuples(source)) {
        own.putIfAbsent(keyText(tuple.getKeyNode()), tuple);
      }
    }
    return new ArrayList<>(own.values());
  }

  private static void collectMerged(Node value, List<MappingNode> into) {
    if (value instanceof MappingNode mapping) {
      into.add(mapping);
    } else if (value instanceof SequenceNode sequence) {
      sequence.getValue().forEach(item -> collectMerged(item, into));
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
