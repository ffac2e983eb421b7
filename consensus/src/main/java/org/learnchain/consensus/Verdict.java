package org.learnchain.consensus;

import java.util.Objects;

/**
 * The outcome of a check of untrusted input that produces no value: valid, or invalid with a
 * one-line reason.
 */
public sealed interface Verdict permits Verdict.Valid, Verdict.Invalid {

  /** The input passed the check. */
  record Valid() implements Verdict {}

  /** The input failed the check; {@code reason} is one line. */
  record Invalid(String reason) implements Verdict {
    public Invalid {
      Objects.requireNonNull(reason, "reason");
    }
  }

  Verdict VALID = new Valid();

  static Verdict valid() {
    return VALID;
  }

  static Verdict invalid(String reason) {
    return new Invalid(reason);
  }

  default boolean isValid() {
    return this instanceof Valid;
  }

  /** The reason; only call when not {@link #isValid()}. */
  default String reason() {
    if (this instanceof Invalid invalid) {
      return invalid.reason();
    }
    throw new IllegalStateException("verdict is valid");
  }
}
