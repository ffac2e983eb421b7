package org.learnchain.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * The TOML layer of a node config: the text parsed (with tomlj's failures turned into one-line
 * problems and its unbounded recursion fenced off) and its structure checked against the known
 * tables and keys. Part of {@link NodeConfigLoader}.
 */
final class TomlInput {
  private TomlInput() {}

  /** The parsed table, or the syntax problems that stop it being read. */
  record Parsed(Optional<TomlTable> table, List<ConfigProblem> problems) {}

  static Parsed parse(String toml, String source) {
    List<ConfigProblem> syntax = new ArrayList<>();
    TomlParseResult parsed = null;
    Optional<ConfigProblem> crowded = bracketProblem(toml, source);
    if (crowded.isPresent()) {
      syntax.add(crowded.get());
    } else {
      try {
        parsed = Toml.parse(toml);
        for (TomlParseError e : parsed.errors()) {
          syntax.add(syntaxProblem(source, e));
        }
      } catch (TomlParseError e) {
        // tomlj returns most syntax errors in its result but throws some (an invalid escape in a
        // table header's quoted key): the same problem for the operator either way.
        syntax.add(syntaxProblem(source, e));
      } catch (RuntimeException e) {
        // tomlj 1.1.1 also fails with exceptions of its own on some malformed values (a
        // NullPointerException for a date-time whose offset reads "-00Z"). The file is still just
        // bad input: it is reported as such, without the position tomlj could not give.
        syntax.add(
            ConfigProblem.of(
                source,
                "",
                "invalid TOML: the parser could not read this file ("
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + ")"));
      }
    }
    return syntax.isEmpty()
        ? new Parsed(Optional.of(parsed), List.of())
        : new Parsed(Optional.empty(), syntax);
  }

  private static ConfigProblem syntaxProblem(String source, TomlParseError e) {
    TomlPosition pos = e.position();
    return new ConfigProblem(
        source,
        "",
        pos == null ? 0 : pos.line(),
        pos == null ? 0 : pos.column(),
        "invalid TOML: " + tomlMessage(e));
  }

  /** Most '[' and '{' characters a config file may hold (see {@link #bracketProblem}). */
  static final int MAX_BRACKETS = 128;

  /**
   * tomlj parses arrays and inline tables recursively with no depth limit: a file of a few thousand
   * nested brackets (a few kilobytes) overflows the stack, and a thread with a small stack fails at
   * about 120. Whether a bracket nests depends on lexer modes (strings, comments, dates) that
   * differ in subtle ways from any simple scan, so every '[' and '{' character counts, in strings
   * and comments too: that bounds the nesting whatever tomlj makes of the text. A node config needs
   * one per table header, one for {@code p2p.bootnodes} and one per IPv6 bootnode.
   */
  private static Optional<ConfigProblem> bracketProblem(String toml, String source) {
    int count = 0;
    int line = 1;
    int column = 0;
    for (int i = 0; i < toml.length(); i++) {
      char c = toml.charAt(i);
      column++;
      if (c == '\n') {
        line++;
        column = 0;
      } else if ((c == '[' || c == '{') && ++count > MAX_BRACKETS) {
        return Optional.of(
            new ConfigProblem(
                source,
                "",
                line,
                column,
                "more than "
                    + MAX_BRACKETS
                    + " '[' and '{' characters; a node config needs a handful, and nesting this"
                    + " deep is refused before parsing"));
      }
    }
    return Optional.empty();
  }

  /** Unknown keys and keys of the wrong shape (a table where a value belongs, or the reverse). */
  static void checkStructure(TomlTable root, String source, List<ConfigProblem> problems) {
    Set<String> topKeys = new HashSet<>(NodeSettings.TABLES.get(""));
    topKeys.addAll(NodeSettings.TABLES.keySet());
    topKeys.remove("");
    for (String key : root.keySet()) {
      List<String> path = List.of(key);
      if (!key.isEmpty() && NodeSettings.TABLES.containsKey(key)) {
        if (!root.isTable(path)) {
          problems.add(
              at(source, key, root.inputPositionOf(path), "must be a table ([" + key + "])"));
          continue;
        }
        TomlTable table = root.getTable(path);
        List<String> allowed = NodeSettings.TABLES.get(key);
        for (String sub : table.keySet()) {
          if (!allowed.contains(sub)) {
            problems.add(
                at(
                    source,
                    key + "." + sub,
                    root.inputPositionOf(List.of(key, sub)),
                    Suggestions.unknownKey(sub, allowed)));
          }
        }
      } else if (!topKeys.contains(key)) {
        List<String> known = new ArrayList<>(topKeys);
        problems.add(
            at(source, key, root.inputPositionOf(path), Suggestions.unknownKey(key, known)));
      }
    }
  }

  private static ConfigProblem at(String source, String key, TomlPosition pos, String message) {
    return new ConfigProblem(
        source, key, pos == null ? 0 : pos.line(), pos == null ? 0 : pos.column(), message);
  }

  private static String tomlMessage(TomlParseError e) {
    String m = e.getMessage() == null ? "syntax error" : e.getMessage();
    // tomlj appends the position it also returns separately.
    int cut = m.lastIndexOf(" (line ");
    return cut > 0 ? m.substring(0, cut) : m;
  }
}
