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
 * with text keys in file order. Every node and merged entry visited is paid from a {@link Budget},
 * so aliases cannot expand a small file into billions of values. Stateless.
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

  /** Thrown when converting the nodes of one file has visited more nodes than its budget. */
  static final class ExpansionException extends RuntimeException {
    private final transient Node node;
    private final int limit;

    ExpansionException(Node node, int limit) {
      super("more than " + limit + " values");
      this.node = node;
      this.limit = limit;
    }

    /** Returns the node reached when the budget ran out. */
    Node node() {
      return node;
    }

    /** Returns the number of values the budget allowed. */
    int limit() {
      return limit;
    }
  }

  /**
   * The number of nodes and merged entries that all conversions of one file may visit together,
   * counting each visit through an alias again. Not thread-safe: one per file read.
   */
  static final class Budget {
    private final int limit;
    private int left;

    Budget(int limit) {
      this.limit = limit;
      this.left = limit;
    }

    void spend(Node node) {
      if (--left < 0) {
        throw new ExpansionException(node, limit);
      }
    }
  }

  /**
   * Returns the plain value of {@code node}, following aliases and {@code <<} merge keys.
   *
   * @throws RecursiveAliasException when a collection contains itself through an alias
   * @throws ExpansionException when {@code budget} runs out
   */
  static Object of(Node node, Budget budget) {
    return of(node, Collections.newSetFromMap(new IdentityHashMap<>()), budget);
  }

  private static Object of(Node node, Set<Node> open, Budget budget) {
    budget.spend(node);
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar);
    }
    if (!open.add(node)) {
      throw new RecursiveAliasException(node);
    }
    Object value;
    if (node instanceof SequenceNode sequence) {
      List<Object> list = new ArrayList<>();
      sequence.getValue().forEach(item -> list.add(of(item, open, budget)));
      value = list;
    } else {
      Map<String, Object> map = new LinkedHashMap<>();
      for (NodeTuple tuple : mergedTuples((MappingNode) node, open, budget)) {
        Object key = of(tuple.getKeyNode(), open, budget);
        map.put(String.valueOf(key), of(tuple.getValueNode(), open, budget));
      }
      value = map;
    }
    open.remove(node);
    return value;
  }

  /**
   * Returns the entries of {@code mapping} with {@code <<} merge keys applied: merged entries come
   * after the mapping's own, and a key written in the mapping wins over a merged one.
   *
   * @throws ExpansionException when {@code budget} runs out
   */
  static List<NodeTuple> mergedTuples(MappingNode mapping, Budget budget) {
    return mergedTuples(mapping, Collections.newSetFromMap(new IdentityHashMap<>()), budget);
  }

  private static List<NodeTuple> mergedTuples(MappingNode mapping, Set<Node> open, Budget budget) {
    if (!open.add(mapping)) {
      throw new RecursiveAliasException(mapping);
    }
    Map<String, NodeTuple> own = new LinkedHashMap<>();
    List<MappingNode> merged = new ArrayList<>();
    for (NodeTuple tuple : mapping.getValue()) {
      budget.spend(tuple.getKeyNode());
      Node key = tuple.getKeyNode();
      if (key instanceof ScalarNode scalar
          && scalar.getValue().equals(MERGE_KEY)
          && scalar.isPlain()) {
        collectMerged(tuple.getValueNode(), merged);
      } else {
        own.put(keyText(key, budget), tuple);
      }
    }
    for (MappingNode source : merged) {
      for (NodeTuple tuple : mergedTuples(source, open, budget)) {
        budget.spend(tuple.getKeyNode());
        own.putIfAbsent(keyText(tuple.getKeyNode(), budget), tuple);
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

  private static String keyText(Node key, Budget budget) {
    return key instanceof ScalarNode scalar ? scalar.getValue() : String.valueOf(of(key, budget));
  }

  /** Returns the plain value of a scalar, which costs no budget. */
  static Object of(ScalarNode scalar) {
    return scalar(scalar);
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
