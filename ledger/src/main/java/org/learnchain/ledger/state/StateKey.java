package org.learnchain.ledger.state;

import java.util.Arrays;
import java.util.HexFormat;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * A key of the world state: one type byte followed by a 32-byte id (addresses are zero-padded,
 * heights are big-endian in the first 8 bytes). The type byte puts each kind of entry in its own
 * subtree of the state tree, so the pending problems can be listed without touching accounts. Type
 * codes are frozen: they are hashed into the state root.
 */
public final class StateKey implements Comparable<StateKey> {
  public static final int LENGTH = 33;

  /** Entry kinds, with frozen type bytes. */
  public enum Type {
    META(0x00),
    ACCOUNT(0x01),
    PENDING_PROBLEM(0x02),
    CLOSED_PROBLEM(0x03),
    EVIDENCE(0x04),
    UNBOND_QUEUE(0x05),
    EXPIRY_QUEUE(0x06);

    private final int code;

    Type(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    static Type fromCode(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      throw new MalformedEncodingException("unknown state key type " + code);
    }
  }

  public static final StateKey META = new StateKey(new byte[LENGTH]);

  private final byte[] bytes;
  private final int hash;

  private StateKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  private static StateKey of(Type type, byte[] id, int offset, int length) {
    byte[] k = new byte[LENGTH];
    k[0] = (byte) type.code;
    System.arraycopy(id, offset, k, 1, length);
    return new StateKey(k);
  }

  public static StateKey account(Address address) {
    return of(Type.ACCOUNT, address.toArray(), 0, Address.LENGTH);
  }

  public static StateKey pendingProblem(Hash id) {
    return of(Type.PENDING_PROBLEM, id.toArray(), 0, Hash.LENGTH);
  }

  public static StateKey closedProblem(Hash id) {
    return of(Type.CLOSED_PROBLEM, id.toArray(), 0, Hash.LENGTH);
  }

  public static StateKey evidence(Hash proofHash) {
    return of(Type.EVIDENCE, proofHash.toArray(), 0, Hash.LENGTH);
  }

  public static StateKey unbondQueue(long height) {
    return heightKey(Type.UNBOND_QUEUE, height);
  }

  public static StateKey expiryQueue(long height) {
    return heightKey(Type.EXPIRY_QUEUE, height);
  }

  private static StateKey heightKey(Type type, long height) {
    byte[] k = new byte[LENGTH];
    k[0] = (byte) type.code;
    for (int i = 0; i < 8; i++) {
      k[1 + i] = (byte) (height >>> (56 - 8 * i));
    }
    return new StateKey(k);
  }

  /**
   * Wraps stored key bytes.
   *
   * @throws MalformedEncodingException when they are not a state key
   */
  public static StateKey wrap(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new MalformedEncodingException("state key must be 33 bytes, got " + bytes.length);
    }
    Type.fromCode(bytes[0] & 0xff);
    return new StateKey(bytes.clone());
  }

  /** Takes ownership of key bytes this package produced itself. */
  static StateKey own(byte[] bytes) {
    return new StateKey(bytes);
  }

  public Type type() {
    return Type.fromCode(bytes[0] & 0xff);
  }

  public byte[] toArray() {
    return bytes.clone();
  }

  byte[] raw() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateKey k && hash == k.hash && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(StateKey o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
