package org.learnchain.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.learnchain.config.JsonTree.ArrayNode;
import org.learnchain.config.JsonTree.Node;
import org.learnchain.config.JsonTree.NumberNode;
import org.learnchain.config.JsonTree.ObjectNode;
import org.learnchain.config.JsonTree.StringNode;

/**
 * Typed access to the members of one JSON object, reporting every missing, mistyped and unknown key
 * to a {@link Problems}. Accessors return empty where the value is unusable, so that decoding
 * continues and all problems come out in one run.
 */
final class JsonFields {
  private final ObjectNode node;
  private final String path;
  private final Problems problems;
  private final Set<String> expected = new LinkedHashSet<>();

  private JsonFields(ObjectNode node, String path, Problems problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  /** Fields of {@code node}, or empty (with a problem) when it is not an object. */
  static Optional<JsonFields> of(Node node, String path, Problems problems) {
    problems.position(path, node.position());
    if (node instanceof ObjectNode o) {
      return Optional.of(new JsonFields(o, path, problems));
    }
    problems.at(path, node.position(), "must be an object, got " + node.typeName());
    return Optional.empty();
  }

  String path(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** The member's value; a problem at the object's position when it is missing. */
  Optional<Node> required(String name) {
    expected.add(name);
    JsonTree.Member m = node.members().get(name);
    if (m == null) {
      problems.at(path(name), node.position(), "missing required key");
      return Optional.empty();
    }
    problems.position(path(name), m.value().position());
    return Optional.of(m.value());
  }

  /** The member's value, or empty (and no problem) when it is absent. */
  Optional<Node> optional(String name) {
    expected.add(name);
    JsonTree.Member m = node.members().get(name);
    if (m == null) {
      return Optional.empty();
    }
    problems.position(path(name), m.value().position());
    return Optional.of(m.value());
  }

  /** Whether the object has a member {@code name}. */
  boolean has(String name) {
    return node.members().containsKey(name);
  }

  Optional<String> string(String name) {
    return required(name).flatMap(n -> asString(n, path(name), problems));
  }

  Optional<Long> longValue(String name) {
    return required(name).flatMap(n -> asLong(n, path(name), problems));
  }

  Optional<Integer> intValue(String name) {
    return required(name).flatMap(n -> asInt(n, path(name), problems));
  }

  Optional<Double> doubleValue(String name) {
    return required(name).flatMap(n -> asDouble(n, path(name), problems));
  }

  Optional<JsonFields> object(String name) {
    return required(name).flatMap(n -> of(n, path(name), problems));
  }

  Optional<List<Node>> array(String name) {
    return required(name).flatMap(n -> asArray(n, path(name), problems));
  }

  /**
   * Reports every member that no accessor asked for. Call after all accessors: a misspelt key would
   * otherwise be ignored silently while its intended value took a default.
   */
  void rejectUnknown() {
    for (Map.Entry<String, JsonTree.Member> e : node.members().entrySet()) {
      if (!expected.contains(e.getKey())) {
        problems.at(
            path(e.getKey()),
            e.getValue().keyPosition(),
            Suggestions.unknownKey(e.getKey(), expected));
      }
    }
  }

  static Optional<String> asString(Node n, String key, Problems problems) {
    problems.position(key, n.position());
    if (n instanceof StringNode s) {
      return Optional.of(s.value());
    }
    problems.at(key, n.position(), "must be a string, got " + n.typeName());
    return Optional.empty();
  }

  static Optional<List<Node>> asArray(Node n, String key, Problems problems) {
    problems.position(key, n.position());
    if (n instanceof ArrayNode a) {
      // Register item positions so later checks on "key[i]" find them.
      List<Node> items = new ArrayList<>(a.items());
      for (int i = 0; i < items.size(); i++) {
        problems.position(key + "[" + i + "]", items.get(i).position());
      }
      return Optional.of(items);
    }
    problems.at(key, n.position(), "must be an array, got " + n.typeName());
    return Optional.empty();
  }

  static Optional<Long> asLong(Node n, String key, Problems problems) {
    return integer(n, key, problems, Long.MIN_VALUE, Long.MAX_VALUE, "a 64-bit integer");
  }

  static Optional<Integer> asInt(Node n, String key, Problems problems) {
    return integer(n, key, problems, Integer.MIN_VALUE, Integer.MAX_VALUE, "a 32-bit integer")
        .map(Long::intValue);
  }

  private static Optional<Long> integer(
      Node n, String key, Problems problems, long min, long max, String what) {
    problems.position(key, n.position());
    if (!(n instanceof NumberNode num)) {
      problems.at(key, n.position(), "must be an integer, got " + n.typeName());
      return Optional.empty();
    }
    BigDecimal d;
    try {
      d = new BigDecimal(num.literal());
    } catch (NumberFormatException | ArithmeticException e) {
      problems.at(key, n.position(), "must be an integer, got " + num.literal());
      return Optional.empty();
    }
    // Compare digit counts before converting: "1e999999999" must not become a huge BigInteger.
    if (d.signum() != 0 && d.precision() - d.scale() > 19) {
      problems.at(key, n.position(), num.literal() + " is out of range for " + what);
      return Optional.empty();
    }
    d = d.stripTrailingZeros();
    if (d.scale() > 0) {
      problems.at(key, n.position(), "must be an integer, got " + num.literal());
      return Optional.empty();
    }
    if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
      problems.at(key, n.position(), num.literal() + " is out of range for " + what);
      return Optional.empty();
    }
    return Optional.of(d.longValueExact());
  }

  static Optional<Double> asDouble(Node n, String key, Problems problems) {
    problems.position(key, n.position());
    if (!(n instanceof NumberNode num)) {
      problems.at(key, n.position(), "must be a number, got " + n.typeName());
      return Optional.empty();
    }
    double v;
    try {
      v = Double.parseDouble(num.literal());
    } catch (NumberFormatException e) {
      problems.at(key, n.position(), "must be a number, got " + num.literal());
      return Optional.empty();
    }
    if (!Double.isFinite(v)) {
      problems.at(key, n.position(), num.literal() + " is out of range for a double");
      return Optional.empty();
    }
    return Optional.of(v);
  }
}
