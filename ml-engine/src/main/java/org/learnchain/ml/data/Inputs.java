package org.learnchain.ml.data;

import java.util.Arrays;
import java.util.Objects;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.learnchain.ml.Result;
import org.learnchain.ml.spec.SampleShape;

/**
 * The input samples of a dataset: {@link #count()} rows of {@code shape().size()} floats, stored
 * flat and row-major. Immutable; every value is finite and no value is negative zero, so the
 * canonical encoding of equal inputs is equal.
 *
 * <p>Canonical encoding, version 1: {@code u8 1}, the shape ({@link SampleShape#write}), {@code i32
 * count}, then {@code count * size} IEEE 754 single-precision values as big-endian 32-bit words.
 * The test-inputs commitment of a problem is {@code SHA-256(salt || encode())}.
 */
public final class Inputs {
  private static final int VERSION = 1;

  private final SampleShape shape;
  private final int count;
  private final float[] values;

  private Inputs(SampleShape shape, int count, float[] values) {
    this.shape = shape;
    this.count = count;
    this.values = values;
  }

  /**
   * Wraps a copy of {@code values}, which must hold {@code count * shape.size()} finite floats;
   * negative zeros become zeros.
   */
  public static Inputs of(SampleShape shape, float[] values) {
    return own(shape, values.clone());
  }

  /** Takes ownership of {@code values} (callers in this package built them and drop them). */
  static Inputs own(SampleShape shape, float[] values) {
    Objects.requireNonNull(shape, "shape");
    int size = shape.size();
    if (values.length % size != 0) {
      throw new IllegalArgumentException(
          values.length + " values are not a whole number of samples of " + size);
    }
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("input value " + i + " is not finite: " + v);
      }
      if (v == 0.0f) {
        values[i] = 0.0f;
      }
    }
    return new Inputs(shape, values.length / size, values);
  }

  public SampleShape shape() {
    return shape;
  }

  /** Number of samples. */
  public int count() {
    return count;
  }

  /** Floats per sample. */
  public int width() {
    return shape.size();
  }

  public float value(int sample, int feature) {
    Objects.checkIndex(sample, count);
    Objects.checkIndex(feature, width());
    return values[sample * width() + feature];
  }

  /** A copy of the samples {@code [from, to)}, flat and row-major. */
  public float[] copyRows(int from, int to) {
    Objects.checkFromToIndex(from, to, count);
    return Arrays.copyOfRange(values, from * width(), to * width());
  }

  /** A copy of every value, flat and row-major. */
  public float[] toArray() {
    return values.clone();
  }

  /** The samples at {@code indices}, in that order. */
  public Inputs select(int[] indices) {
    int w = width();
    float[] out = new float[indices.length * w];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(values, Objects.checkIndex(indices[i], count) * w, out, i * w, w);
    }
    return new Inputs(shape, indices.length, out);
  }

  /** The canonical encoding (see the class comment). */
  public byte[] encode() {
    CanonicalWriter w = new CanonicalWriter(32 + values.length * 4);
    w.u8(VERSION);
    SampleShape.write(w, shape);
    w.i32(count);
    for (float v : values) {
      w.i32(Float.floatToRawIntBits(v));
    }
    return w.toByteArray();
  }

  /** {@code SHA-256(salt || encode())}, the commitment a problem makes to its test inputs. */
  public Hash saltedHash(byte[] salt) {
    return Hashing.sha256(salt, encode());
  }

  /** Strict decoding of untrusted {@link #encode()} output of at most {@code maxCount} samples. */
  public static Result<Inputs> decode(byte[] bytes, int maxCount) {
    try {
      CanonicalReader r = new CanonicalReader(bytes);
      int version = r.u8();
      if (version != VERSION) {
        return Result.err("unsupported inputs encoding version " + version);
      }
      SampleShape shape = SampleShape.read(r);
      int count = r.i32();
      if (count < 0 || count > maxCount) {
        return Result.err("inputs hold " + count + " samples, limit " + maxCount);
      }
      long n = (long) count * shape.size();
      // Checked before allocating: the declared size must match the bytes actually present.
      if (n * 4 != r.remaining()) {
        return Result.err(
            "inputs declare " + n + " values but carry " + r.remaining() + " bytes of values");
      }
      float[] values = new float[(int) n];
      for (int i = 0; i < values.length; i++) {
        int bits = r.i32();
        float v = Float.intBitsToFloat(bits);
        if (!Float.isFinite(v)) {
          return Result.err("input value " + i + " is not finite");
        }
        if (bits == 0x80000000) {
          return Result.err("input value " + i + " is a negative zero (not canonical)");
        }
        values[i] = v;
      }
      r.end();
      return Result.ok(new Inputs(shape, count, values));
    } catch (MalformedEncodingException | IllegalArgumentException e) {
      return Result.err("malformed inputs: " + e.getMessage());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Inputs other
        && shape.equals(other.shape)
        && count == other.count
        && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return 31 * shape.hashCode() + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "Inputs[" + count + " x " + shape + "]";
  }
}
