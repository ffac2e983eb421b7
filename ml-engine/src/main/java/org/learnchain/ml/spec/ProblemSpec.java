package org.learnchain.ml.spec;

import java.util.EnumSet;
import java.util.Objects;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.learnchain.ml.Result;

/**
 * What a submitter asks miners to learn: the input shape, the task, the metric that ranks the
 * miners, and the limits a model must respect. The ledger carries {@link #encode()} as opaque bytes
 * in a {@code SubmitProblem} transaction, so the encoding is canonical: one value, one encoding,
 * and {@link #decode(byte[])} accepts nothing else.
 *
 * <p>Encoding, version 1 (big-endian, {@link CanonicalWriter} primitives): {@code u8 version=1},
 * {@code u8 inputKind} (1 vector: {@code i32 features}; 2 image: {@code i32 channels, i32 height,
 * i32 width}), {@code u8 taskKind} (1 classification: {@code i32 classes}; 2 regression: {@code i32
 * outputs}), {@code u8 metric}, {@code i64 maxParameters}, {@code i64 maxMultiplyAdds}, {@code i64
 * maxModelBytes}, {@code u8 layerCount} and that many {@code u8} layer codes, strictly ascending.
 */
public record ProblemSpec(SampleShape input, Task task, Metric metric, ProblemLimits limits) {

  /** Largest encoding {@link #decode(byte[])} looks at; a valid spec is far smaller. */
  public static final int MAX_ENCODED_BYTES = 256;

  static final int VERSION = 1;
  private static final int TASK_CLASSIFICATION = 1;
  private static final int TASK_REGRESSION = 2;

  public ProblemSpec {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(limits, "limits");
    // Labels are argmax indices for classification and real values for regression; scoring a
    // classification by squared error or a regression by accuracy has no agreed meaning here.
    if (task instanceof Task.Classification && metric != Metric.ACCURACY) {
      throw new IllegalArgumentException("a classification problem is scored by accuracy");
    }
    if (task instanceof Task.Regression && metric != Metric.MEAN_SQUARED_ERROR) {
      throw new IllegalArgumentException("a regression problem is scored by mean squared error");
    }
  }

  /** A classification problem scored by accuracy. */
  public static ProblemSpec classification(SampleShape input, int classes, ProblemLimits limits) {
    return new ProblemSpec(input, new Task.Classification(classes), Metric.ACCURACY, limits);
  }

  /** A regression problem scored by mean squared error. */
  public static ProblemSpec regression(SampleShape input, int outputs, ProblemLimits limits) {
    return new ProblemSpec(input, new Task.Regression(outputs), Metric.MEAN_SQUARED_ERROR, limits);
  }

  /** The canonical encoding (see the class comment). */
  public byte[] encode() {
    CanonicalWriter w = new CanonicalWriter(96);
    w.u8(VERSION);
    SampleShape.write(w, input);
    if (task instanceof Task.Classification c) {
      w.u8(TASK_CLASSIFICATION).i32(c.classes());
    } else {
      w.u8(TASK_REGRESSION).i32(((Task.Regression) task).outputs());
    }
    w.u8(metric.code());
    w.i64(limits.maxParameters()).i64(limits.maxMultiplyAdds()).i64(limits.maxModelBytes());
    EnumSet<LayerType> layers = EnumSet.copyOf(limits.allowedLayers());
    w.u8(layers.size());
    // EnumSet iterates in declaration order, which is also ascending code order.
    for (LayerType t : layers) {
      w.u8(t.code());
    }
    return w.toByteArray();
  }

  /** Strict decoding of {@link #encode()} output from untrusted bytes. */
  public static Result<ProblemSpec> decode(byte[] bytes) {
    if (bytes.length > MAX_ENCODED_BYTES) {
      return Result.err(
          "problem spec of " + bytes.length + " bytes exceeds " + MAX_ENCODED_BYTES + " bytes");
    }
    try {
      CanonicalReader r = new CanonicalReader(bytes);
      int version = r.u8();
      if (version != VERSION) {
        return Result.err("unsupported problem spec version " + version);
      }
      SampleShape input = SampleShape.read(r);
      Task task =
          switch (r.u8()) {
            case TASK_CLASSIFICATION -> new Task.Classification(r.i32());
            case TASK_REGRESSION -> new Task.Regression(r.i32());
            default -> throw new MalformedEncodingException("unknown task kind");
          };
      Metric metric = Metric.fromCode(r.u8());
      long maxParameters = r.i64();
      long maxMultiplyAdds = r.i64();
      long maxModelBytes = r.i64();
      int layerCount = r.u8();
      EnumSet<LayerType> layers = EnumSet.noneOf(LayerType.class);
      int previous = 0;
      for (int i = 0; i < layerCount; i++) {
        int code = r.u8();
        if (code <= previous) {
          throw new MalformedEncodingException("layer codes must be strictly ascending");
        }
        previous = code;
        layers.add(LayerType.fromCode(code));
      }
      r.end();
      return Result.ok(
          new ProblemSpec(
              input,
              task,
              metric,
              new ProblemLimits(maxParameters, maxMultiplyAdds, layers, maxModelBytes)));
    } catch (MalformedEncodingException | IllegalArgumentException e) {
      // Both come from checks on the untrusted bytes (framing, then value ranges in constructors).
      return Result.err("malformed problem spec: " + e.getMessage());
    }
  }
}
