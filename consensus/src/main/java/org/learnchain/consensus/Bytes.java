package org.learnchain.consensus;

import java.util.Arrays;
import java.util.HexFormat;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;

/**
 * An immutable byte string with value equality, so that records carrying opaque payloads (test
 * inputs, predictions, model bytes) compare and hash by content. The array never leaves without a
 * copy.
 */
public final class Bytes {
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] bytes;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps a copy of {@code bytes}. */
  public static Bytes of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
  }

  /** Takes ownership of a freshly built array that nobody else references. */
  public static Bytes own(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Bytes(bytes);
  }

  public int size() {
    return bytes.length;
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  /** SHA-256 of the content. */
  public Hash sha256() {
    return Hashing.sha256(bytes);
  }

  /** SHA-256 of {@code prefix || this}, as used for the salted test commitments. */
  public Hash sha256WithPrefix(Bytes prefix) {
    return Hashing.sha256(prefix.bytes, bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return bytes.length <= 16
        ? HexFormat.of().formatHex(bytes)
        : HexFormat.of().formatHex(bytes, 0, 8) + "..(" + bytes.length + " bytes)";
  }
}
