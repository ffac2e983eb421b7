package org.learnchain.crypto.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;

/**
 * Writes the canonical byte encoding used for everything that is hashed or signed: fixed-width
 * big-endian integers, length-prefixed byte strings and lists, no optional fields and no field
 * tags. Every value has exactly one encoding, so equal values always hash equally (protobuf gives
 * no such guarantee, which is why wire messages are converted to domain records and re-encoded
 * here).
 *
 * <p>Written here rather than taken from a serialization library on purpose: the encoding is part
 * of the protocol (it fixes every hash, signature and state root), so it must be specified by this
 * code alone and never change with a dependency upgrade; general-purpose formats (protobuf, CBOR,
 * JSON) allow several encodings of one value or leave field order and number widths to the writer.
 */
public final class CanonicalWriter {
  private byte[] buf;
  private int size;

  public CanonicalWriter() {
    this(64);
  }

  public CanonicalWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int extra) {
    if (size + extra > buf.length) {
      long want = Math.max((long) buf.length * 2, (long) size + extra);
      if (want > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("canonical encoding larger than 2 GiB");
      }
      buf = Arrays.copyOf(buf, (int) want);
    }
  }

  public CanonicalWriter u8(int v) {
    if (v < 0 || v > 0xff) {
      throw new IllegalArgumentException("u8 out of range: " + v);
    }
    ensure(1);
    buf[size++] = (byte) v;
    return this;
  }

  public CanonicalWriter bool(boolean v) {
    return u8(v ? 1 : 0);
  }

  public CanonicalWriter i32(int v) {
    ensure(4);
    buf[size++] = (byte) (v >>> 24);
    buf[size++] = (byte) (v >>> 16);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  public CanonicalWriter i64(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  /** IEEE 754 bits; callers must not encode NaN (it has many bit patterns). */
  public CanonicalWriter f64(double v) {
    if (Double.isNaN(v)) {
      throw new IllegalArgumentException("NaN has no canonical encoding");
    }
    return i64(Double.doubleToLongBits(v == 0.0 ? 0.0 : v));
  }

  /** Raw bytes of a length both sides know (hashes, keys, signatures). */
  public CanonicalWriter fixed(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, size, bytes.length);
    size += bytes.length;
    return this;
  }

  /** A 4-byte length followed by the bytes. */
  public CanonicalWriter bytes(byte[] bytes) {
    i32(bytes.length);
    return fixed(bytes);
  }

  public CanonicalWriter string(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  public CanonicalWriter hash(Hash h) {
    ensure(Hash.LENGTH);
    h.copyTo(buf, size);
    size += Hash.LENGTH;
    return this;
  }

  public CanonicalWriter publicKey(PublicKey k) {
    return fixed(k.toArray());
  }

  public CanonicalWriter address(Address a) {
    return fixed(a.toArray());
  }

  public CanonicalWriter signature(Signature s) {
    return fixed(s.toArray());
  }

  /** Writes a list as a 4-byte count followed by each element. */
  public <T> CanonicalWriter list(
      java.util.List<T> items, java.util.function.BiConsumer<CanonicalWriter, T> each) {
    i32(items.size());
    for (T item : items) {
      each.accept(this, item);
    }
    return this;
  }

  public int size() {
    return size;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
