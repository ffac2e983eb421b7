package org.learnchain.node.cli.common;

import java.util.Objects;

/**
 * A value, or the one-line reason there is none. Expected failures of a command (a missing file, a
 * wrong password) travel as values up to the command, which prints the reason and exits non-zero.
 *
 * @param <T> the value's type
 */
public final class CliResult<T> {
  private final T value;
  private final String error;

  private CliResult(T value, String error) {
    this.value = value;
    this.error = error;
  }

  public static <T> CliResult<T> ok(T value) {
    return new CliResult<>(Objects.requireNonNull(value, "value"), null);
  }

  public static <T> CliResult<T> error(String reason) {
    return new CliResult<>(null, Objects.requireNonNull(reason, "reason"));
  }

  public boolean isOk() {
    return error == null;
  }

  /**
   * The value.
   *
   * @throws IllegalStateException for an error result: callers check {@link #isOk()} first
   */
  public T value() {
    if (error != null) {
      throw new IllegalStateException("no value: " + error);
    }
    return value;
  }

  /** The one-line reason of an error result. */
  public String error() {
    if (error == null) {
      throw new IllegalStateException("not an error");
    }
    return error;
  }
}
