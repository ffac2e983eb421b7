package org.learnchain.config;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The outcome of reading a configuration input: either a value or every problem found. Bad input is
 * expected, so it is a value here rather than an exception.
 *
 * @param <T> the type of the value read
 */
public final class ConfigResult<T> {
  private final T value;
  private final List<ConfigProblem> problems;

  private ConfigResult(T value, List<ConfigProblem> problems) {
    this.value = value;
    this.problems = problems;
  }

  public static <T> ConfigResult<T> valid(T value) {
    return new ConfigResult<>(Objects.requireNonNull(value, "value"), List.of());
  }

  /** A failed result; {@code problems} must not be empty (a failure always says why). */
  public static <T> ConfigResult<T> invalid(List<ConfigProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an invalid result needs at least one problem");
    }
    return new ConfigResult<>(null, List.copyOf(problems));
  }

  public static <T> ConfigResult<T> invalid(ConfigProblem problem) {
    return invalid(List.of(problem));
  }

  public boolean isValid() {
    return problems.isEmpty();
  }

  /**
   * The value of a valid result.
   *
   * @throws IllegalStateException if the result is invalid: callers check {@link #isValid()} first,
   *     so reaching this is a bug
   */
  public T value() {
    if (!isValid()) {
      throw new IllegalStateException("invalid configuration: " + describeProblems());
    }
    return value;
  }

  /** Every problem found, in input order; empty for a valid result. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  /** Transforms the value of a valid result; an invalid one passes its problems through. */
  public <U> ConfigResult<U> map(Function<? super T, ? extends U> f) {
    return isValid() ? valid(f.apply(value)) : invalid(problems);
  }

  /** Chains a further check or parse that needs the value of this one. */
  public <U> ConfigResult<U> flatMap(Function<? super T, ConfigResult<U>> f) {
    return isValid() ? f.apply(value) : invalid(problems);
  }

  /** All problems, one formatted problem per line. */
  public String describeProblems() {
    return problems.stream().map(ConfigProblem::format).collect(Collectors.joining("\n"));
  }

  @Override
  public String toString() {
    return isValid() ? "Valid[" + value + "]" : "Invalid[" + describeProblems() + "]";
  }
}
