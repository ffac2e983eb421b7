package org.learnchain.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/** A 32-byte SHA-256 digest. Immutable; the array never leaves the instance without a copy. */
public final class Hash implements Comparable<Hash> {
  public static final int LENGTH = 32;
  public static final Hash ZERO = new Hash(new byte[LENGTH]);

  /** Number of 64-bit words in a digest ({@link #word}). */
  public static final int WORDS = LENGTH / Long.BYTES;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[] bytes;

  private Hash(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps a copy of {@code bytes}, which must be exactly 32 bytes long. */
  public static Hash wrap(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("hash must be 32 bytes, got " + bytes.length);
    }
    return new Hash(bytes.clone());
  }

  /**
   * Takes ownership of {@code bytes} without copying; only for digests this package just produced.
   */
  static Hash own(byte[] bytes) {
    return new Hash(bytes);
  }

  public static Hash fromHex(String hex) {
    String h = hex.startsWith("0x") ? hex.substring(2) : hex;
    if (h.length() != LENGTH * 2) {
      throw new IllegalArgumentException("hash must be 64 hex characters, got " + h.length());
    }
    return new Hash(HexFormat.of().parseHex(h));
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  /** Copies the digest into {@code dst} at {@code offset}. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, LENGTH);
  }

  /**
   * The digest's {@code i}-th 64-bit word (little-endian, {@code 0 <= i < WORDS}): for tables that
   * store digests as numbers, without copying the array.
   */
  public long word(int i) {
    return (long) LONGS.get(bytes, i * Long.BYTES);
  }

  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  /** First 8 hex characters, for logs. */
  public String toShortHex() {
    return toHex().substring(0, 8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hash h && Arrays.equals(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(Hash o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
