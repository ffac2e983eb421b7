package org.learnchain.crypto.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;

/**
 * Strict reader of {@link CanonicalWriter} output. Every length is checked against the bytes left
 * and a caller-given maximum before anything is allocated, and {@link #end()} rejects trailing
 * bytes, so an accepted input has exactly one encoding. Malformed input raises {@link
 * MalformedEncodingException}, which decoders at the module edge turn into a rejection value.
 * Hand-written for the reasons given in {@link CanonicalWriter}: a library reader would accept
 * encodings the writer never produces.
 */
public final class CanonicalReader {
  private final byte[] buf;
  private int pos;
  private final int limit;

  public CanonicalReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  public CanonicalReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new IllegalArgumentException("bad slice");
    }
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  private void need(int n, String what) {
    if (n < 0 || limit - pos < n) {
      throw new MalformedEncodingException(
          "truncated " + what + ": need " + n + " bytes, " + (limit - pos) + " left");
    }
  }

  public int u8() {
    need(1, "u8");
    return buf[pos++] & 0xff;
  }

  public boolean bool() {
    int v = u8();
    if (v > 1) {
      throw new MalformedEncodingException("boolean must be 0 or 1, got " + v);
    }
    return v == 1;
  }

  public int i32() {
    need(4, "i32");
    int v =
        ((buf[pos] & 0xff) << 24)
            | ((buf[pos + 1] & 0xff) << 16)
            | ((buf[pos + 2] & 0xff) << 8)
            | (buf[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  public long i64() {
    need(8, "i64");
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos++] & 0xff);
    }
    return v;
  }

  public double f64() {
    double v = Double.longBitsToDouble(i64());
    if (Double.isNaN(v)) {
      throw new MalformedEncodingException("NaN is not a canonical number");
    }
    if (v == 0.0 && Double.doubleToRawLongBits(v) != 0L) {
      throw new MalformedEncodingException("negative zero is not canonical");
    }
    return v;
  }

  public byte[] fixed(int length) {
    need(length, "fixed field");
    byte[] out = Arrays.copyOfRange(buf, pos, pos + length);
    pos += length;
    return out;
  }

  /** A length-prefixed byte string of at most {@code maxLength} bytes. */
  public byte[] bytes(int maxLength) {
    int n = i32();
    if (n < 0 || n > maxLength) {
      throw new MalformedEncodingException(
          "byte string of " + n + " bytes exceeds limit " + maxLength);
    }
    return fixed(n);
  }

  public String string(int maxBytes) {
    byte[] raw = bytes(maxBytes);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedEncodingException("string is not valid UTF-8");
    }
  }

  public Hash hash() {
    return Hash.wrap(fixed(Hash.LENGTH));
  }

  public PublicKey publicKey() {
    return PublicKey.wrap(fixed(PublicKey.LENGTH));
  }

  public Address address() {
    return Address.wrap(fixed(Address.LENGTH));
  }

  public Signature signature() {
    return Signature.wrap(fixed(Signature.LENGTH));
  }

  /** A list of at most {@code maxItems} elements, each read by {@code each}. */
  public <T> List<T> list(int maxItems, Function<CanonicalReader, T> each) {
    int n = i32();
    if (n < 0 || n > maxItems) {
      throw new MalformedEncodingException("list of " + n + " items exceeds limit " + maxItems);
    }
    // Each element takes at least one byte, so a count larger than what is left is malformed.
    if (n > limit - pos) {
      throw new MalformedEncodingException("list of " + n + " items longer than the input");
    }
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(each.apply(this));
    }
    return out;
  }

  public int remaining() {
    return limit - pos;
  }

  /** Asserts the input is fully consumed: trailing bytes would give one value two encodings. */
  public void end() {
    if (pos != limit) {
      throw new MalformedEncodingException((limit - pos) + " trailing bytes");
    }
  }
}
