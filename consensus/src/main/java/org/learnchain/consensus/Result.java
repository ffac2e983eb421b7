package org.learnchain.consensus;

import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of handling untrusted input: a value, or a one-line reason why there is none. Bad
 * input from peers, blocks and models is expected, so it is a value here and never an exception.
 *
 * @param <T> the value's type
 */
public sealed interface Result<T> permits Result.Ok, Result.Err {

  /** A successful result. */
  record Ok<T>(T value) implements Result<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A rejection; {@code reason} is one line, fit for a log or an operator. */
  record Err<T>(String reason) implements Result<T> {
    public Err {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static <T> Result<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> Result<T> err(String reason) {
    return new Err<>(reason);
  }

  default boolean isOk() {
    return this instanceof Ok;
  }

  /** The value; only call after {@link #isOk()}. */
  default T value() {
    if (this instanceof Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException("no value: " + ((Err<T>) this).reason());
  }

  /** The rejection reason; only call when not {@link #isOk()}. */
  default String reason() {
    if (this instanceof Err<T> err) {
      return err.reason();
    }
    throw new IllegalStateException("result is ok");
  }

  default <U> Result<U> map(Function<T, U> f) {
    return this instanceof Ok<T> ok ? new Ok<>(f.apply(ok.value())) : new Err<>(reason());
  }

  default <U> Result<U> flatMap(Function<T, Result<U>> f) {
    return this instanceof Ok<T> ok ? f.apply(ok.value()) : new Err<>(reason());
  }
}
