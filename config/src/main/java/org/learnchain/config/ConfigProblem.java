package org.learnchain.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration or genesis input, fit to show an operator on one line.
 *
 * @param source where the value came from: a file path, {@code environment} or {@code command line}
 * @param key dotted path of the offending key ({@code rewards.bountyBurnBps}, {@code
 *     members[2].publicKey}), an environment variable name, or empty when the problem concerns the
 *     whole input (unreadable file, syntax error)
 * @param line 1-based line in the source, or 0 when the parser gives none
 * @param column 1-based column in the source, or 0 when the parser gives none
 * @param message what is wrong, without a trailing period
 */
public record ConfigProblem(String source, String key, int line, int column, String message) {
  public ConfigProblem {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(message, "message");
    // One problem is one line of output: a line break in the message, or in a key taken from the
    // file (JSON and TOML keys may hold escaped line breaks), would split it and could forge lines.
    key = oneLine(key);
    message = oneLine(message);
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  /** A problem without a known position. */
  public static ConfigProblem of(String source, String key, String message) {
    return new ConfigProblem(source, key, 0, 0, message);
  }

  /**
   * Compiler-style one-line form, {@code source:line:column: key: message}, leaving out the parts
   * that are unknown. Editors and terminals recognise the {@code file:line:column} prefix.
   */
  public String format() {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    sb.append(": ");
    if (!key.isEmpty()) {
      sb.append(key).append(": ");
    }
    return sb.append(message).toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
