package org.learnchain.ml.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hash;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.BuiltinDatasets;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.model.ModelCodec;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.train.ProgressListener;
import org.learnchain.ml.train.SearchPlan;
import org.learnchain.ml.train.TrainedModel;
import org.learnchain.ml.train.Trainer;
import org.learnchain.ml.train.TrainingRequest;

class VerifierTest {
  private static final ProblemSpec DIGITS =
      ProblemSpec.classification(
          new SampleShape.Vector(64), 10, ProblemLimits.of(50_000, 50_000, 1 << 20));

  /** A tolerance like genesis would set: well above cross-machine noise (about 1e-7). */
  private static final double TOLERANCE = 1e-5;

  private static TrainedModel trained;
  private static byte[] bytes;
  private static Inputs test;
  private static Predictions honest;

  @BeforeAll
  static void train() {
    BuiltinDatasets.TrainTest digits = BuiltinDatasets.digits().value();
    trained =
        new Trainer(MlRuntime.start(1), ProgressListener.none())
            .train(
                new TrainingRequest(
                    DIGITS,
                    digits.train(),
                    Duration.ofMinutes(2),
                    42,
                    1,
                    SearchPlan.defaults().withMaxCandidates(1).withMaxEpochs(6)))
            .value();
    bytes = trained.bytes();
    test = digits.test().inputs();
    honest = Predictor.predict(trained.model(), test);
  }

  @Test
  void honestPredictionsVerifyFromTheBytes() {
    Verification v =
        Verifier.verify(bytes, trained.hash(), DIGITS, test, honest, TOLERANCE).value();
    assertEquals(360, v.samples());
    assertEquals(0.0, v.maxDifference());
    assertEquals(0.0, v.headroom());
    assertEquals(0, v.labelsWithinMargin());
    assertEquals(trained.hash(), v.modelHash());
  }

  @Test
  void outputsPerturbedBy1e7Verify() {
    float[] outputs = outputs(honest);
    for (int i = 0; i < outputs.length; i++) {
      outputs[i] += (i % 2 == 0) ? 1e-7f : -1e-7f;
      outputs[i] = Math.max(0f, outputs[i]);
    }
    Predictions perturbed = Predictions.classification(10, labels(honest), outputs);
    Verification v = Verifier.verify(trained.model(), test, perturbed, TOLERANCE).value();
    assertTrue(v.maxDifference() > 0 && v.maxDifference() < 2e-7, "max " + v.maxDifference());
    // Probabilities are at most 1, so the headroom is the difference over the tolerance.
    assertEquals(v.maxDifference() / TOLERANCE, v.headroom(), 1e-9);
  }

  @Test
  void outputsOffByMoreThanTheToleranceDoNot() {
    float[] outputs = outputs(honest);
    outputs[37] += 1e-4f;
    Predictions off = Predictions.classification(10, labels(honest), outputs);
    Result<Verification> r = Verifier.verify(trained.model(), test, off, TOLERANCE);
    assertFalse(r.isOk());
    assertTrue(r.reason().startsWith("sample 3 output 7 was committed as "), r.reason());
  }

  @Test
  void aFlippedLabelDoesNotVerifyUnlessTheMarginIsWithinTolerance() {
    // The sample with the clearest and the one with the narrowest top-two margin.
    int clear = 0;
    int narrow = 0;
    double clearMargin = -1;
    double narrowMargin = 2;
    for (int i = 0; i < honest.count(); i++) {
      double m = margin(honest, i);
      if (m > clearMargin) {
        clearMargin = m;
        clear = i;
      }
      if (m < narrowMargin) {
        narrowMargin = m;
        narrow = i;
      }
    }
    int[] labels = labels(honest);
    labels[clear] = secondBest(honest, clear);
    Result<Verification> r =
        Verifier.verify(
            trained.model(),
            test,
            Predictions.classification(10, labels, outputs(honest)),
            TOLERANCE);
    assertFalse(r.isOk());
    assertTrue(
        r.reason().startsWith("sample " + clear + " was committed as label " + labels[clear]),
        r.reason());

    // The runner-up of the narrowest sample is accepted once the tolerance covers its margin
    // (here a loose tolerance, so that a real sample qualifies), and refused just below it.
    int[] narrowFlip = labels(honest);
    narrowFlip[narrow] = secondBest(honest, narrow);
    Predictions flipped = Predictions.classification(10, narrowFlip, outputs(honest));
    Verification accepted =
        Verifier.verify(trained.model(), test, flipped, narrowMargin * 1.01).value();
    assertEquals(1, accepted.labelsWithinMargin());
    assertFalse(Verifier.verify(trained.model(), test, flipped, narrowMargin * 0.99).isOk());
  }

  @Test
  void tamperedModelBytesDoNotVerify() {
    // A flipped bit: the hash no longer matches the commitment.
    byte[] flipped = bytes.clone();
    flipped[flipped.length / 2] ^= 0x10;
    Result<Verification> r = Verifier.verify(flipped, trained.hash(), DIGITS, test, honest, 1e-5);
    assertTrue(r.reason().startsWith("model bytes hash to "), r.reason());
    // Committing to the tampered bytes does not help: the zip entry's CRC fails.
    Result<Verification> same =
        Verifier.verify(flipped, ModelCodec.hash(flipped), DIGITS, test, honest, 1e-5);
    assertTrue(same.reason().startsWith("model rejected: model archive"), same.reason());
    // A well-formed model with one changed weight loads, but does not reproduce the predictions.
    var net = trained.model().network().clone();
    var w = net.getLayer(0).getParam("W");
    w.putScalar(0, 0, w.getDouble(0, 0) + 50.0);
    for (int i = 0; i < 64; i++) {
      w.putScalar(i, 0, w.getDouble(i, 0) + 5.0);
    }
    byte[] edited = ModelCodec.serialize(net);
    Hash editedHash = ModelCodec.hash(edited);
    Result<Verification> e = Verifier.verify(edited, editedHash, DIGITS, test, honest, 1e-5);
    assertFalse(e.isOk());
    assertTrue(e.reason().startsWith("sample "), e.reason());
  }

  @Test
  void predictionsOfTheWrongShapeAreRejected() {
    Predictions fewer =
        Predictions.classification(10, java.util.Arrays.copyOf(outputs(honest), 3590));
    assertEquals(
        "predictions cover 359 samples, the test set has 360",
        Verifier.verify(trained.model(), test, fewer, TOLERANCE).reason());
    Predictions regression = Predictions.regression(10, outputs(honest));
    assertEquals(
        "predictions are for regression but the problem is not",
        Verifier.verify(trained.model(), test, regression, TOLERANCE).reason());
  }

  private static float[] outputs(Predictions p) {
    float[] out = new float[p.count() * p.width()];
    for (int i = 0; i < p.count(); i++) {
      for (int j = 0; j < p.width(); j++) {
        out[i * p.width() + j] = p.output(i, j);
      }
    }
    return out;
  }

  private static int[] labels(Predictions p) {
    int[] out = new int[p.count()];
    for (int i = 0; i < out.length; i++) {
      out[i] = p.label(i);
    }
    return out;
  }

  private static int secondBest(Predictions p, int i) {
    int top = p.label(i);
    int second = top == 0 ? 1 : 0;
    for (int j = 0; j < p.width(); j++) {
      if (j != top && p.output(i, j) > p.output(i, second)) {
        second = j;
      }
    }
    return second;
  }

  private static double margin(Predictions p, int i) {
    return (double) p.output(i, p.label(i)) - p.output(i, secondBest(p, i));
  }
}
