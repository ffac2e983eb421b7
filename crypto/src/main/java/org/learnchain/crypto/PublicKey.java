package org.learnchain.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 public key (32 bytes, RFC 8032 encoding). */
public final class PublicKey implements Comparable<PublicKey> {
  public static final int LENGTH = Ed25519.PUBLIC_KEY_SIZE;

  private final byte[] bytes;

  private PublicKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Wraps a copy of {@code bytes}. Only the length is checked here; whether the bytes decode to a
   * curve point is decided by verification, which rejects every signature under an invalid key.
   */
  public static PublicKey wrap(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("public key must be 32 bytes, got " + bytes.length);
    }
    return new PublicKey(bytes.clone());
  }

  public static PublicKey fromHex(String hex) {
    if (hex.length() != LENGTH * 2) {
      throw new IllegalArgumentException(
          "public key must be 64 hex characters, got " + hex.length());
    }
    return new PublicKey(HexFormat.of().parseHex(hex));
  }

  /**
   * True when the bytes decode to a point of the curve's prime-order subgroup, i.e. a key under
   * which a signature could ever verify. Genesis validation uses it to refuse a member that can
   * never sign.
   */
  public boolean isValidPoint() {
    return Ed25519.validatePublicKeyFull(bytes, 0);
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

  public Address address() {
    return Address.of(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(PublicKey o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
