package org.learnchain.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the problems of one input so that all of them are reported together. Positions of keys
 * are registered while parsing; a problem added later by key alone (a semantic check that works on
 * records, not on the parse tree) picks up the position registered for that key.
 */
final class Problems {
  private final String source;
  private final Map<String, SourcePosition> positions = new HashMap<>();
  private final List<ConfigProblem> list = new ArrayList<>();

  Problems(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  void position(String key, SourcePosition position) {
    positions.putIfAbsent(key, position);
  }

  SourcePosition positionOf(String key) {
    return positions.getOrDefault(key, SourcePosition.UNKNOWN);
  }

  void add(String key, String message) {
    at(key, positionOf(key), message);
  }

  void at(String key, SourcePosition pos, String message) {
    list.add(new ConfigProblem(source, key, pos.line(), pos.column(), message));
  }

  void addAll(List<ConfigProblem> problems) {
    list.addAll(problems);
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  int size() {
    return list.size();
  }

  List<ConfigProblem> list() {
    return List.copyOf(list);
  }

  /** A valid result with {@code value} when nothing was found, else every problem. */
  <T> ConfigResult<T> result(T value) {
    return list.isEmpty() ? ConfigResult.valid(value) : ConfigResult.invalid(list);
  }
}
