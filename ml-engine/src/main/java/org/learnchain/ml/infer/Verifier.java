package org.learnchain.ml.infer;

import java.time.Duration;
import org.learnchain.crypto.Hash;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.model.LoadedModel;
import org.learnchain.ml.model.ModelCodec;
import org.learnchain.ml.model.ModelLoader;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-runs a published model on the revealed test inputs and checks the miner's committed
 * predictions against the recomputed ones (docs/protocol.md section 5).
 *
 * <p>Another CPU, BLAS kernel or GPU changes output bits (about 1e-7 on softmax outputs), so
 * equality is never required. With tolerance {@code tol} from genesis:
 *
 * <ul>
 *   <li>every output must satisfy {@code |recomputed - committed| <= tol * max(1, |committed|)}:
 *       absolute for softmax probabilities, relative for large regression values, whose float32
 *       rounding grows with their magnitude;
 *   <li>a committed label may differ from the recomputed argmax only when the recomputed score of
 *       the committed label is within {@code tol} of the top score, that is where the top-two
 *       margin is itself at most {@code tol} and either label is a fair reading.
 * </ul>
 *
 * Scores come from the committed predictions, so a verified commitment scores the same on every
 * node whatever its hardware.
 */
public final class Verifier {
  private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

  private Verifier() {}

  /**
   * Verifies untrusted model bytes: their hash must be {@code expectedModelHash}, they must load
   * within the problem's limits, and their outputs must reproduce {@code committed}.
   */
  public static Result<Verification> verify(
      byte[] modelBytes,
      Hash expectedModelHash,
      ProblemSpec spec,
      Inputs testInputs,
      Predictions committed,
      double tolerance) {
    long start = System.nanoTime();
    Hash actual = ModelCodec.hash(modelBytes);
    if (!actual.equals(expectedModelHash)) {
      return Result.err(
          "model bytes hash to "
              + actual.toShortHex()
              + " but "
              + expectedModelHash.toShortHex()
              + " was committed");
    }
    Result<LoadedModel> model = ModelLoader.load(modelBytes, spec);
    if (!model.isOk()) {
      return Result.err("model rejected: " + model.reason());
    }
    return verify(model.value(), testInputs, committed, tolerance, start);
  }

  /** Verifies committed predictions against an already loaded (checked) model. */
  public static Result<Verification> verify(
      LoadedModel model, Inputs testInputs, Predictions committed, double tolerance) {
    return verify(model, testInputs, committed, tolerance, System.nanoTime());
  }

  private static Result<Verification> verify(
      LoadedModel model, Inputs testInputs, Predictions committed, double tolerance, long start) {
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be finite and non-negative");
    }
    ProblemSpec spec = model.spec();
    Task task = spec.task();
    if (testInputs.width() != spec.input().size()) {
      return Result.err(
          "test inputs have "
              + testInputs.width()
              + " values per sample, the problem "
              + spec.input().size());
    }
    Result<Predictions> shape = committed.checkShape(task, testInputs.count());
    if (!shape.isOk()) {
      return Result.err(shape.reason());
    }
    int width = task.outputWidth();
    float[] recomputed;
    try {
      recomputed =
          Predictor.outputs(
              model.network(),
              testInputs,
              width,
              Predictor.batchSize(model.architecture().multiplyAdds()));
    } catch (RuntimeException e) {
      // The model passed the loader's checks, but it is someone else's: if DL4J cannot run it,
      // the commitment fails verification; this node carries on.
      LOG.warn("Model failed to run hash={} error={}", model.hash().toShortHex(), e.toString());
      return Result.err("the model fails to run: " + e.getClass().getSimpleName());
    }
    double maxDifference = 0;
    double headroom = 0;
    int withinMargin = 0;
    for (int i = 0; i < testInputs.count(); i++) {
      int row = i * width;
      for (int j = 0; j < width; j++) {
        float r = recomputed[row + j];
        if (!Float.isFinite(r)) {
          return Result.err("the model outputs a non-finite value for sample " + i);
        }
        float c = committed.output(i, j);
        double diff = Math.abs((double) r - c);
        maxDifference = Math.max(maxDifference, diff);
        double allowed = tolerance * Math.max(1.0, Math.abs(c));
        if (diff > 0) {
          headroom = Math.max(headroom, allowed > 0 ? diff / allowed : Double.POSITIVE_INFINITY);
        }
        if (diff > allowed) {
          return Result.err(
              "sample "
                  + i
                  + " output "
                  + j
                  + " was committed as "
                  + c
                  + " but recomputes to "
                  + r
                  + " (difference "
                  + diff
                  + " > tolerance "
                  + tolerance
                  + ")");
        }
      }
      if (committed.isClassification()) {
        int top = Predictions.argmax(recomputed, row, width);
        int label = committed.label(i);
        if (label != top) {
          double gap = (double) recomputed[row + top] - recomputed[row + label];
          if (gap > tolerance) {
            return Result.err(
                "sample "
                    + i
                    + " was committed as label "
                    + label
                    + " but the model gives "
                    + top
                    + " by a margin of "
                    + gap
                    + " > tolerance "
                    + tolerance);
          }
          withinMargin++;
        }
      }
    }
    return Result.ok(
        new Verification(
            model.hash(),
            testInputs.count(),
            maxDifference,
            withinMargin,
            Duration.ofNanos(System.nanoTime() - start),
            headroom));
  }
}
