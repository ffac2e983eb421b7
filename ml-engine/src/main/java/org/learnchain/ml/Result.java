package org.learnchain.ml;

import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of handling untrusted input: a value, or a one-line reason why the input was
 * rejected. Bad input is expected (datasets from users, models and predictions from other miners),
 * so it is a value rather than an exception; exceptions stay for bugs and I/O failures.
 *
 * @param <T> the type of the accepted value
 */
public sealed interface Result<T> permits Result.Ok, Result.Err {

  /** An accepted input. */
  record Ok<T>(T value) implements Result<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A rejected input; {@code reason} is one line meant for an operator or a log. Line breaks and
   * other control characters (which may come from a library's message about hostile input) are
   * replaced by spaces, so a reason can never forge extra log lines.
   */
  record Err<T>(String reason) implements Result<T> {
    public Err {
      Objects.requireNonNull(reason, "reason");
      reason = reason.replaceAll("\\p{Cntrl}", " ");
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

  /** The value; calling this on a rejection is a bug in the caller. */
  default T value() {
    if (this instanceof Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException("no value: " + ((Err<T>) this).reason());
  }

  /** The reason; calling this on an accepted value is a bug in the caller. */
  default String reason() {
    if (this instanceof Err<T> err) {
      return err.reason();
    }
    throw new IllegalStateException("not a rejection");
  }

  default <U> Result<U> map(Function<? super T, ? extends U> f) {
    if (this instanceof Ok<T> ok) {
      return new Ok<>(f.apply(ok.value()));
    }
    return new Err<>(((Err<T>) this).reason());
  }

  default <U> Result<U> flatMap(Function<? super T, Result<U>> f) {
    if (this instanceof Ok<T> ok) {
      return f.apply(ok.value());
    }
    return new Err<>(((Err<T>) this).reason());
  }

  /** Prefixes a rejection's reason with context, such as the file it came from. */
  default Result<T> context(String prefix) {
    if (this instanceof Err<T> err) {
      return new Err<>(prefix + ": " + err.reason());
    }
    return this;
  }
}
