package org.learnchain.node.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.learnchain.config.ModelLimits;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.Verdict;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.infer.Predictions;
import org.learnchain.ml.train.SearchPlan;
import org.learnchain.node.NodeListener;
import org.learnchain.node.problem.BuiltinProblem;

/** The ML adapter over real DL4J on iris: training, prediction, verification, scoring, refusals. */
class DlMlPortTest {
  private static final long NOW = 1_000_000L;
  private static BuiltinProblem iris;
  private static DlMlPort port;
  private static final List<Duration> verified = new ArrayList<>();
  private static final java.util.concurrent.atomic.AtomicInteger reruns =
      new java.util.concurrent.atomic.AtomicInteger();
  private static MlPort.TrainedModel model;
  private static Bytes spec;
  private static Bytes inputs;

  @BeforeAll
  static void trainOnce() {
    iris = BuiltinProblem.load("iris", ModelLimits.defaults()).orElseThrow().value();
    port =
        new DlMlPort(
            new DlMlPort.Settings(
                1,
                // Tabular epochs are cheap (plain Java); 200 give the linear model its steps.
                SearchPlan.defaults().withMaxCandidates(1).withMaxEpochs(200),
                100,
                10_000,
                10_000),
            MlRuntime.start(1),
            () -> NOW,
            Runnable::run,
            new NodeListener() {
              @Override
              public void modelVerified(Hash h, Duration elapsed, String reason) {
                reruns.incrementAndGet();
                if (reason.isEmpty()) {
                  verified.add(elapsed);
                }
              }
            });
    spec = Bytes.own(iris.spec().encode());
    inputs = Bytes.own(iris.test().inputs().encode());
    Result<MlPort.TrainedModel> r = port.train(task(NOW + 3_000)).toCompletableFuture().join();
    assertTrue(r.isOk(), () -> r.reason());
    model = r.value();
  }

  private static MlPort.TrainingTask task(long deadline) {
    return new MlPort.TrainingTask(
        5,
        Hash.ZERO,
        spec,
        Bytes.own(TrainingSets.encode(iris.train())),
        deadline,
        PrivateKey.fromSeed(new byte[32]).publicKey());
  }

  @Test
  void aTrainedModelPredictsVerifiesAndScores() {
    assertEquals(model.hash(), model.bytes().sha256());
    Result<Bytes> predictions = port.predict(spec, model.bytes(), inputs);
    assertTrue(predictions.isOk(), () -> predictions.reason());
    Verdict v =
        port.verify(spec, ModelLimits.defaults(), model.bytes(), inputs, predictions.value(), 1e-5);
    assertTrue(v.isValid(), () -> v.reason());
    assertFalse(verified.isEmpty(), "the verification time was reported");
    Result<Double> score =
        port.score(spec, predictions.value(), Bytes.own(iris.test().labels().encode()), 30);
    assertTrue(score.isOk(), () -> score.reason());
    assertTrue(score.value() > 0.5 && score.value() <= 1.0, "accuracy " + score.value());
  }

  @Test
  void aRememberedVerdictServesOnlyTheSameInputs() throws Exception {
    Bytes predictions = port.predict(spec, model.bytes(), inputs).value();
    // A tolerance no other test uses: the first call is a real re-run.
    double tolerance = 3e-5;
    int before = reruns.get();
    // As sync does ahead of consensus, on another thread.
    Thread ahead =
        new Thread(
            () ->
                port.verify(
                    spec, ModelLimits.defaults(), model.bytes(), inputs, predictions, tolerance));
    ahead.start();
    ahead.join();
    assertEquals(before + 1, reruns.get());
    Verdict again =
        port.verify(spec, ModelLimits.defaults(), model.bytes(), inputs, predictions, tolerance);
    assertTrue(again.isValid(), () -> again.reason());
    assertEquals(before + 1, reruns.get(), "the same inputs are answered from the memo");
    // Other committed predictions for the same model: run again, and refused.
    Verdict bad =
        port.verify(spec, ModelLimits.defaults(), model.bytes(), inputs, forged(), tolerance);
    assertFalse(bad.isValid());
    assertEquals(before + 2, reruns.get());
    // Tighter limits for the same bytes: run again, and refused.
    ModelLimits tight =
        new ModelLimits(10, 1 << 20, 10_000, Set.of("dense", "output"), 1 << 20, 100);
    assertFalse(port.verify(spec, tight, model.bytes(), inputs, predictions, tolerance).isValid());
    assertEquals(before + 3, reruns.get());
  }

  /** The model's predictions with the first output moved by 0.01 (far beyond any tolerance). */
  private static Bytes forged() {
    Predictions p =
        Predictions.decode(port.predict(spec, model.bytes(), inputs).value().toArray(), 30, 3)
            .value();
    float[] out = new float[30 * 3];
    int[] labels = new int[30];
    for (int i = 0; i < 30; i++) {
      for (int j = 0; j < 3; j++) {
        out[i * 3 + j] = p.output(i, j);
      }
      labels[i] = p.label(i);
    }
    out[0] += 0.01f;
    return Bytes.own(Predictions.classification(3, labels, out).encode());
  }

  @Test
  void alteredPredictionsFailVerification() {
    Verdict v = port.verify(spec, ModelLimits.defaults(), model.bytes(), inputs, forged(), 1e-5);
    assertFalse(v.isValid());
    assertTrue(v.reason().contains("sample 0"), v.reason());
  }

  @Test
  void aModelOutsideTheChainsLimitsIsRefusedBeforeLoading() {
    Bytes predictions = port.predict(spec, model.bytes(), inputs).value();
    ModelLimits tight =
        new ModelLimits(10, 1 << 20, 10_000, Set.of("dense", "output"), 1 << 20, 100);
    Verdict v = port.verify(spec, tight, model.bytes(), inputs, predictions, 1e-5);
    assertFalse(v.isValid());
    assertTrue(v.reason().contains("exceed the chain"), v.reason());
    Verdict garbage =
        port.verify(
            spec,
            ModelLimits.defaults(),
            Bytes.own(new byte[] {1, 2, 3}),
            inputs,
            predictions,
            1e-5);
    assertFalse(garbage.isValid());
  }

  @Test
  void badInputsAreErrorResultsNotExceptions() {
    assertFalse(port.predict(Bytes.own(new byte[] {9}), model.bytes(), inputs).isOk());
    assertFalse(port.predict(spec, model.bytes(), Bytes.own(new byte[] {1})).isOk());
    assertFalse(
        port.score(spec, Bytes.own(new byte[] {1}), Bytes.own(iris.test().labels().encode()), 30)
            .isOk());
    Result<MlPort.TrainedModel> late = port.train(task(NOW + 200)).toCompletableFuture().join();
    assertFalse(late.isOk());
    assertTrue(late.reason().contains("before the commit deadline"), late.reason());
    MlPort.TrainingTask badData =
        new MlPort.TrainingTask(
            5,
            Hash.ZERO,
            spec,
            Bytes.own(new byte[] {1, 0}),
            NOW + 5_000,
            PrivateKey.fromSeed(new byte[32]).publicKey());
    assertFalse(port.train(badData).toCompletableFuture().join().isOk());
  }
}
