package org.learnchain.ml.data;

import java.util.Arrays;
import java.util.Objects;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.learnchain.ml.Result;

/**
 * The targets of a dataset: a class index per sample, or a vector of real values per sample.
 *
 * <p>Canonical encoding, version 1: {@code u8 1}, then either {@code u8 1, i32 classCount, i32
 * count, count * i32 label} or {@code u8 2, i32 width, i32 count, count * width} big-endian IEEE
 * 754 single-precision values. The test-labels commitment of a problem is {@code SHA-256(salt ||
 * encode())}.
 */
public sealed interface Labels permits Labels.Classes, Labels.Values {

  /** Number of samples labelled. */
  int count();

  /** The canonical encoding (see the interface comment). */
  byte[] encode();

  /** The labels at {@code indices}, in that order. */
  Labels select(int[] indices);

  /** {@code SHA-256(salt || encode())}, the commitment a problem makes to its test labels. */
  default Hash saltedHash(byte[] salt) {
    return Hashing.sha256(salt, encode());
  }

  /** Class labels in {@code [0, classCount)}. */
  final class Classes implements Labels {
    private final int classCount;
    private final int[] labels;

    private Classes(int classCount, int[] labels) {
      this.classCount = classCount;
      this.labels = labels;
    }

    /** Copies {@code labels}; each must be in {@code [0, classCount)}. */
    public static Classes of(int classCount, int[] labels) {
      int[] copy = labels.clone();
      String problem = check(classCount, copy);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      return new Classes(classCount, copy);
    }

    static String check(int classCount, int[] labels) {
      if (classCount < 2) {
        return "a classification needs at least 2 classes, got " + classCount;
      }
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || labels[i] >= classCount) {
          return "label "
              + labels[i]
              + " of sample "
              + i
              + " is out of range for "
              + classCount
              + " classes";
        }
      }
      return null;
    }

    public int classCount() {
      return classCount;
    }

    public int label(int sample) {
      return labels[sample];
    }

    public int[] toArray() {
      return labels.clone();
    }

    @Override
    public int count() {
      return labels.length;
    }

    @Override
    public Classes select(int[] indices) {
      int[] out = new int[indices.length];
      for (int i = 0; i < indices.length; i++) {
        out[i] = labels[Objects.checkIndex(indices[i], labels.length)];
      }
      return new Classes(classCount, out);
    }

    @Override
    public byte[] encode() {
      CanonicalWriter w = new CanonicalWriter(16 + labels.length * 4);
      w.u8(VERSION).u8(KIND_CLASSES).i32(classCount).i32(labels.length);
      for (int label : labels) {
        w.i32(label);
      }
      return w.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Classes c
          && c.classCount == classCount
          && Arrays.equals(c.labels, labels);
    }

    @Override
    public int hashCode() {
      return 31 * classCount + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
      return "Classes[" + labels.length + " labels, " + classCount + " classes]";
    }
  }

  /** {@code width} finite real targets per sample, flat and row-major. */
  final class Values implements Labels {
    private final int width;
    private final float[] values;

    private Values(int width, float[] values) {
      this.width = width;
      this.values = values;
    }

    /** Copies {@code values} (finite; negative zeros become zeros). */
    public static Values of(int width, float[] values) {
      return own(width, values.clone());
    }

    static Values own(int width, float[] values) {
      if (width < 1 || values.length % width != 0) {
        throw new IllegalArgumentException(
            values.length + " values are not a whole number of rows of " + width);
      }
      for (int i = 0; i < values.length; i++) {
        if (!Float.isFinite(values[i])) {
          throw new IllegalArgumentException("target " + i + " is not finite");
        }
        if (values[i] == 0.0f) {
          values[i] = 0.0f;
        }
      }
      return new Values(width, values);
    }

    public int width() {
      return width;
    }

    public float value(int sample, int output) {
      Objects.checkIndex(output, width);
      return values[sample * width + output];
    }

    public float[] toArray() {
      return values.clone();
    }

    @Override
    public int count() {
      return values.length / width;
    }

    @Override
    public Values select(int[] indices) {
      float[] out = new float[indices.length * width];
      for (int i = 0; i < indices.length; i++) {
        System.arraycopy(
            values, Objects.checkIndex(indices[i], count()) * width, out, i * width, width);
      }
      return new Values(width, out);
    }

    @Override
    public byte[] encode() {
      CanonicalWriter w = new CanonicalWriter(16 + values.length * 4);
      w.u8(VERSION).u8(KIND_VALUES).i32(width).i32(count());
      for (float v : values) {
        w.i32(Float.floatToRawIntBits(v));
      }
      return w.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Values v && v.width == width && Arrays.equals(v.values, values);
    }

    @Override
    public int hashCode() {
      return 31 * width + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "Values[" + count() + " x " + width + "]";
    }
  }

  int VERSION = 1;
  int KIND_CLASSES = 1;
  int KIND_VALUES = 2;

  /** Strict decoding of untrusted {@link #encode()} output of at most {@code maxCount} samples. */
  static Result<Labels> decode(byte[] bytes, int maxCount) {
    try {
      CanonicalReader r = new CanonicalReader(bytes);
      int version = r.u8();
      if (version != VERSION) {
        return Result.err("unsupported labels encoding version " + version);
      }
      int kind = r.u8();
      if (kind != KIND_CLASSES && kind != KIND_VALUES) {
        return Result.err("unknown labels kind " + kind);
      }
      int dim = r.i32();
      int count = r.i32();
      if (count < 0 || count > maxCount) {
        return Result.err("labels hold " + count + " samples, limit " + maxCount);
      }
      if (kind == KIND_CLASSES) {
        if ((long) count * 4 != r.remaining()) {
          return Result.err(
              "labels declare " + count + " samples but carry " + r.remaining() + " bytes");
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
          labels[i] = r.i32();
        }
        r.end();
        String problem = Classes.check(dim, labels);
        return problem == null ? Result.ok(new Classes(dim, labels)) : Result.err(problem);
      }
      if (dim < 1 || dim > org.learnchain.ml.spec.Task.MAX_OUTPUTS) {
        return Result.err("target width " + dim + " out of range");
      }
      long n = (long) count * dim;
      if (n * 4 != r.remaining()) {
        return Result.err("labels declare " + n + " values but carry " + r.remaining() + " bytes");
      }
      float[] values = new float[(int) n];
      for (int i = 0; i < values.length; i++) {
        int bits = r.i32();
        float v = Float.intBitsToFloat(bits);
        if (!Float.isFinite(v) || bits == 0x80000000) {
          return Result.err("target " + i + " is not a finite canonical float");
        }
        values[i] = v;
      }
      r.end();
      return Result.ok(new Values(dim, values));
    } catch (MalformedEncodingException e) {
      return Result.err("malformed labels: " + e.getMessage());
    }
  }
}
