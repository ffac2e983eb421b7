package org.learnchain.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An account address: the first 20 bytes of SHA-256("learnchain/address/v1" || public key). Written
 * as 40 lowercase hex characters.
 */
public final class Address implements Comparable<Address> {
  public static final int LENGTH = 20;
  private static final byte[] PREFIX = "learnchain/address/v1".getBytes(StandardCharsets.US_ASCII);

  private final byte[] bytes;

  private Address(byte[] bytes) {
    this.bytes = bytes;
  }

  public static Address of(PublicKey key) {
    byte[] digest = Hashing.sha256(PREFIX, key.raw()).toArray();
    return new Address(Arrays.copyOf(digest, LENGTH));
  }

  public static Address wrap(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("address must be 20 bytes, got " + bytes.length);
    }
    return new Address(bytes.clone());
  }

  /** Parses 40 hex characters (an optional 0x prefix is accepted). */
  public static Address fromHex(String hex) {
    String h = hex.startsWith("0x") ? hex.substring(2) : hex;
    if (h.length() != LENGTH * 2) {
      throw new IllegalArgumentException(
          "address must be 40 hex characters, got " + h.length() + " in '" + hex + "'");
    }
    try {
      return new Address(HexFormat.of().parseHex(h));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("address is not hex: '" + hex + "'", e);
    }
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Address a && Arrays.equals(bytes, a.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(Address o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
