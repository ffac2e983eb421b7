package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.learnchain.config.ModelLimits;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;

class PaperTaskTest {
  private static final ModelLimits LIMITS =
      new ModelLimits(10, 1024, 100, Set.of("dense"), 1 << 20, 100);

  @Test
  void leastSquaresOnTheTestSetIsThePapersAttackModel() {
    double[] w = PaperTask.leastSquares(PaperTask.X_TEST, PaperTask.Y_TEST);
    assertEquals(7.989730819058092, w[0], 1e-12);
    assertEquals(-0.8539225564991229, w[1], 1e-12);
  }

  @Test
  void honestGradientDescentTrainsAUsefulModelThatVerifies() throws Exception {
    LinearRegressionMl ml = LinearRegressionMl.honest(42);
    MlPort.TrainingTask task =
        new MlPort.TrainingTask(
            1,
            Hash.ZERO,
            PaperTask.spec(),
            PaperTask.trainingSet(),
            0,
            PrivateKey.fromSeed(new byte[32]).publicKey());
    MlPort.TrainedModel m = ml.train(task).toCompletableFuture().get().value();
    assertEquals(m.bytes().sha256(), m.hash());
    Bytes inputs = PaperTask.encode(PaperTask.X_TEST);
    Bytes labels = PaperTask.encode(PaperTask.Y_TEST);
    Bytes predictions = ml.predict(PaperTask.spec(), m.bytes(), inputs).value();
    double score = ml.score(PaperTask.spec(), predictions, labels, 9).value();
    double constantGuess =
        -PaperTask.squaredError(new double[] {5, 5, 5, 5, 5, 5, 5, 5, 5}, PaperTask.Y_TEST);
    assertTrue(score > constantGuess, "trained model beats a constant guess: " + score);
    double best =
        -PaperTask.squaredError(
            LinearRegressionMl.decodeModel(
                    LinearRegressionMl.encodeModel(7.989730819058092, -0.8539225564991229))
                .map(w -> apply(w))
                .value(),
            PaperTask.Y_TEST);
    assertTrue(score <= best + 1e-9, "nothing beats the least-squares fit on the test set");
    assertTrue(ml.verify(PaperTask.spec(), LIMITS, m.bytes(), inputs, predictions, 1e-9).isValid());
    Bytes other = PaperTask.encode(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    assertFalse(ml.verify(PaperTask.spec(), LIMITS, m.bytes(), inputs, other, 1e-9).isValid());
    ModelLimits tiny = new ModelLimits(1, 1024, 100, Set.of("dense"), 1 << 20, 100);
    assertTrue(
        ml.verify(PaperTask.spec(), tiny, m.bytes(), inputs, predictions, 1e-9)
            .reason()
            .contains("parameters"));
    assertFalse(ml.predict(PaperTask.spec(), Bytes.of(new byte[3]), inputs).isOk());
    assertFalse(ml.score(PaperTask.spec(), predictions, labels, 8).isOk());
    assertFalse(ml.score(PaperTask.spec(), Bytes.of(new byte[] {1}), labels, 9).isOk());
    // Two honest miners start from different random points.
    MlPort.TrainedModel m2 =
        LinearRegressionMl.honest(43).train(task).toCompletableFuture().get().value();
    assertNotEquals(m.hash(), m2.hash());
  }

  private static double[] apply(double[] w) {
    double[] out = new double[PaperTask.X_TEST.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = w[0] + w[1] * PaperTask.X_TEST[i];
    }
    return out;
  }

  @Test
  void malformedSpecsAndDataAreErrorsNotExceptions() throws Exception {
    assertFalse(PaperTask.parseSpec(Bytes.of(new byte[] {1, 2})).isOk());
    assertFalse(PaperTask.parseTrainingSet(Bytes.of(new byte[] {0, 0, 0, 9})).isOk());
    assertFalse(PaperTask.decode(Bytes.of(new byte[] {0x7f, 0, 0, 0})).isOk());
    MlPort.TrainingTask bad =
        new MlPort.TrainingTask(
            1,
            Hash.ZERO,
            Bytes.of(new byte[] {1}),
            PaperTask.trainingSet(),
            0,
            PrivateKey.fromSeed(new byte[32]).publicKey());
    assertFalse(LinearRegressionMl.honest(1).train(bad).toCompletableFuture().get().isOk());
  }
}
