package org.learnchain.ledger;

import java.util.Objects;
import java.util.function.Supplier;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * The result of decoding untrusted bytes: the value, or why the bytes were refused. Edges (gRPC,
 * gossip, storage reads) use this so that malformed input is a value, never a stack trace.
 */
public sealed interface Decoded<T> permits Decoded.Ok, Decoded.Malformed {

  /** A successfully decoded value. */
  record Ok<T>(T value) implements Decoded<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  /** Bytes that are not a canonical encoding, with a one-line reason. */
  record Malformed<T>(String reason) implements Decoded<T> {}

  /** Runs a strict decoder and captures its {@link MalformedEncodingException} as a value. */
  static <T> Decoded<T> of(Supplier<T> decoder) {
    try {
      return new Ok<>(decoder.get());
    } catch (MalformedEncodingException e) {
      return new Malformed<>(e.getMessage());
    }
  }
}
