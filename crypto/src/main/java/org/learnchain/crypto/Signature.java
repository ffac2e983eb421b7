package org.learnchain.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** A 64-byte Ed25519 signature. */
public final class Signature {
  public static final int LENGTH = Ed25519.SIGNATURE_SIZE;

  private final byte[] bytes;

  private Signature(byte[] bytes) {
    this.bytes = bytes;
  }

  public static Signature wrap(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("signature must be 64 bytes, got " + bytes.length);
    }
    return new Signature(bytes.clone());
  }

  static Signature own(byte[] bytes) {
    return new Signature(bytes);
  }

  public static Signature fromHex(String hex) {
    return wrap(HexFormat.of().parseHex(hex));
  }

  byte[] raw() {
    return bytes;
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Signature s && Arrays.equals(bytes, s.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
