package org.learnchain.ml.infer;

import java.util.Arrays;
import java.util.Objects;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.learnchain.ml.Result;
import org.learnchain.ml.spec.Task;

/**
 * A model's predictions on the test inputs, as a miner commits them: for each sample the output
 * vector (float32) and, for classification, the predicted label. Scores are computed from these
 * committed values; verification checks them against a re-run of the model within a tolerance.
 *
 * <p>Canonical encoding, version 1: {@code u8 1}, {@code u8 kind} (1 classification, 2 regression),
 * {@code i32 width}, {@code i32 count}, for classification {@code count * i32 label}, then {@code
 * count * width} outputs as big-endian IEEE 754 single-precision words. No output is NaN, infinite
 * or negative zero.
 */
public final class Predictions {
  private static final int VERSION = 1;
  private static final int KIND_CLASSIFICATION = 1;
  private static final int KIND_REGRESSION = 2;

  private final int width;
  private final int count;
  private final int[] labels;
  private final float[] outputs;

  private Predictions(int width, int count, int[] labels, float[] outputs) {
    this.width = width;
    this.count = count;
    this.labels = labels;
    this.outputs = outputs;
  }

  /** Classification predictions: each label is the index of the largest output (lowest on ties). */
  public static Predictions classification(int classes, float[] outputs) {
    float[] out = canonicalOutputs(classes, outputs);
    int n = out.length / classes;
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = argmax(out, i * classes, classes);
    }
    return new Predictions(classes, n, labels, out);
  }

  /** Classification predictions with explicit labels (tests and tools; miners use the other). */
  public static Predictions classification(int classes, int[] labels, float[] outputs) {
    float[] out = canonicalOutputs(classes, outputs);
    if (labels.length * classes != out.length) {
      throw new IllegalArgumentException("one label per output row is needed");
    }
    for (int l : labels) {
      Objects.checkIndex(l, classes);
    }
    return new Predictions(classes, labels.length, labels.clone(), out);
  }

  /** Regression predictions of {@code width} values per sample. */
  public static Predictions regression(int width, float[] outputs) {
    float[] out = canonicalOutputs(width, outputs);
    return new Predictions(width, out.length / width, null, out);
  }

  private static float[] canonicalOutputs(int width, float[] outputs) {
    if (width < 1 || outputs.length % width != 0) {
      throw new IllegalArgumentException(
          outputs.length + " outputs are not a whole number of rows of " + width);
    }
    float[] out = outputs.clone();
    for (int i = 0; i < out.length; i++) {
      if (!Float.isFinite(out[i])) {
        throw new IllegalArgumentException("output " + i + " is not finite");
      }
      if (out[i] == 0.0f) {
        out[i] = 0.0f;
      }
    }
    return out;
  }

  static int argmax(float[] values, int offset, int width) {
    int best = 0;
    for (int j = 1; j < width; j++) {
      if (values[offset + j] > values[offset + best]) {
        best = j;
      }
    }
    return best;
  }

  public boolean isClassification() {
    return labels != null;
  }

  /** Output values per sample (the class count for classification). */
  public int width() {
    return width;
  }

  /** Number of samples. */
  public int count() {
    return count;
  }

  /** The predicted label of {@code sample}; classification only. */
  public int label(int sample) {
    if (labels == null) {
      throw new IllegalStateException("regression predictions have no labels");
    }
    return labels[sample];
  }

  public float output(int sample, int j) {
    Objects.checkIndex(j, width);
    return outputs[Objects.checkIndex(sample, count) * width + j];
  }

  /** Whether these predictions have the shape {@code task} requires for {@code samples}. */
  public Result<Predictions> checkShape(Task task, int samples) {
    boolean classification = task instanceof Task.Classification;
    if (classification != isClassification()) {
      return Result.err(
          "predictions are for "
              + (isClassification() ? "classification" : "regression")
              + " but the problem is not");
    }
    if (width != task.outputWidth()) {
      return Result.err(
          "predictions have "
              + width
              + " outputs per sample, the problem needs "
              + task.outputWidth());
    }
    if (count != samples) {
      return Result.err("predictions cover " + count + " samples, the test set has " + samples);
    }
    return Result.ok(this);
  }

  /** The canonical encoding (see the class comment). */
  public byte[] encode() {
    CanonicalWriter w =
        new CanonicalWriter(16 + (labels == null ? 0 : labels.length * 4) + outputs.length * 4);
    w.u8(VERSION).u8(labels != null ? KIND_CLASSIFICATION : KIND_REGRESSION).i32(width).i32(count);
    if (labels != null) {
      for (int l : labels) {
        w.i32(l);
      }
    }
    for (float v : outputs) {
      w.i32(Float.floatToRawIntBits(v));
    }
    return w.toByteArray();
  }

  /** SHA-256 of the canonical encoding. */
  public Hash hash() {
    return Hashing.sha256(encode());
  }

  /**
   * Strict decoding of untrusted bytes holding at most {@code maxCount} samples of at most {@code
   * maxWidth} outputs.
   */
  public static Result<Predictions> decode(byte[] bytes, int maxCount, int maxWidth) {
    try {
      CanonicalReader r = new CanonicalReader(bytes);
      int version = r.u8();
      if (version != VERSION) {
        return Result.err("unsupported predictions version " + version);
      }
      int kind = r.u8();
      if (kind != KIND_CLASSIFICATION && kind != KIND_REGRESSION) {
        return Result.err("unknown predictions kind " + kind);
      }
      int width = r.i32();
      int count = r.i32();
      if (width < 1 || width > maxWidth) {
        return Result.err("predictions have " + width + " outputs per sample, limit " + maxWidth);
      }
      if (kind == KIND_CLASSIFICATION && width < 2) {
        return Result.err("classification predictions need at least 2 outputs per sample");
      }
      if (count < 0 || count > maxCount) {
        return Result.err("predictions cover " + count + " samples, limit " + maxCount);
      }
      long labelBytes = kind == KIND_CLASSIFICATION ? 4L * count : 0;
      long outputBytes = 4L * count * width;
      if (labelBytes + outputBytes != r.remaining()) {
        return Result.err(
            "predictions declare "
                + count
                + " samples of "
                + width
                + " but carry "
                + r.remaining()
                + " bytes");
      }
      int[] labels = null;
      if (kind == KIND_CLASSIFICATION) {
        labels = new int[count];
        for (int i = 0; i < count; i++) {
          labels[i] = r.i32();
          if (labels[i] < 0 || labels[i] >= width) {
            return Result.err("label " + labels[i] + " of sample " + i + " is out of range");
          }
        }
      }
      float[] outputs = new float[count * width];
      for (int i = 0; i < outputs.length; i++) {
        int bits = r.i32();
        float v = Float.intBitsToFloat(bits);
        if (!Float.isFinite(v) || bits == 0x80000000) {
          return Result.err("output " + i + " is not a finite canonical float");
        }
        outputs[i] = v;
      }
      r.end();
      return Result.ok(new Predictions(width, count, labels, outputs));
    } catch (MalformedEncodingException e) {
      return Result.err("malformed predictions: " + e.getMessage());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Predictions p
        && p.width == width
        && p.count == count
        && Arrays.equals(p.labels, labels)
        && Arrays.equals(p.outputs, outputs);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(outputs);
  }

  @Override
  public String toString() {
    return "Predictions[" + count + " x " + width + (labels != null ? ", labelled" : "") + "]";
  }
}
