package org.learnchain.ml.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.BuiltinDatasets;
import org.learnchain.ml.data.CsvReader;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.LabelMode;
import org.learnchain.ml.infer.Predictions;
import org.learnchain.ml.infer.Predictor;
import org.learnchain.ml.infer.Scoring;
import org.learnchain.ml.model.LoadedModel;
import org.learnchain.ml.model.ModelLoader;
import org.learnchain.ml.spec.LayerType;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;

class TrainerTest {
  private static final ProblemSpec DIGITS =
      ProblemSpec.classification(
          new SampleShape.Vector(64), 10, ProblemLimits.of(50_000, 50_000, 1 << 20));

  /** One small MLP, 10 epochs: enough for digits, quick on two busy cores. */
  private static final SearchPlan PLAN =
      SearchPlan.defaults().withMaxCandidates(1).withMaxEpochs(10);

  private static final ProblemSpec IRIS_SPEC =
      ProblemSpec.classification(
          new SampleShape.Vector(4), 3, ProblemLimits.of(100_000, 100_000, 1 << 20));

  private static MlRuntime runtime;
  private static BuiltinDatasets.TrainTest digits;
  private static BuiltinDatasets.TrainTest iris;

  @BeforeAll
  static void setUp() {
    runtime = MlRuntime.start(1);
    digits = BuiltinDatasets.digits().value();
    iris = BuiltinDatasets.iris().value();
  }

  @Test
  void digitsModelGeneralisesAndTheSameSeedGivesTheSameBytes() {
    List<TrainingProgress> events = new ArrayList<>();
    long seed = TrainingSeed.forMiner(PublicKey.wrap(new byte[32]), 7);
    TrainedModel first =
        new Trainer(runtime, events::add).train(request(DIGITS, digits.train(), seed)).value();
    TrainedModel second =
        new Trainer(runtime, ProgressListener.none())
            .train(request(DIGITS, digits.train(), seed))
            .value();
    assertFalse(first.budgetBound());
    assertEquals(first.hash(), second.hash());
    assertArrayEquals(first.bytes(), second.bytes());

    Predictions predictions = Predictor.predict(first.model(), digits.test().inputs());
    double accuracy = Scoring.score(DIGITS, predictions, digits.test().labels()).value();
    assertTrue(accuracy >= 0.90, "test accuracy " + accuracy);

    // Reloading the published bytes gives bit-identical predictions.
    LoadedModel reloaded = ModelLoader.load(first.bytes(), DIGITS).value();
    assertEquals(predictions, Predictor.predict(reloaded, digits.test().inputs()));

    assertEquals(TrainingProgress.Event.CANDIDATE_STARTED, events.get(0).event());
    long epochs =
        events.stream().filter(e -> e.event() == TrainingProgress.Event.EPOCH_FINISHED).count();
    assertTrue(epochs >= 2 && epochs <= 10, "epochs " + epochs);
    TrainingProgress last = events.get(events.size() - 1);
    assertEquals(TrainingProgress.Event.CANDIDATE_FINISHED, last.event());
    assertEquals(first.validationScore(), last.bestScore());
    assertTrue(events.stream().allMatch(e -> !e.timeLeft().isNegative()));

    TrainedModel otherSeed =
        new Trainer(runtime, ProgressListener.none())
            .train(request(DIGITS, digits.train(), seed + 1).withPlan(PLAN.withMaxEpochs(2)))
            .value();
    assertNotEquals(first.hash(), otherSeed.hash());
  }

  @Test
  void limitsDecideTheFamily() {
    ProblemSpec linearOnly =
        ProblemSpec.classification(
            new SampleShape.Vector(64),
            10,
            new ProblemLimits(1_000, 1_000, EnumSet.of(LayerType.OUTPUT), 1 << 20));
    TrainedModel linear =
        new Trainer(runtime, ProgressListener.none())
            .train(request(linearOnly, digits.train(), 1))
            .value();
    assertEquals("linear", linear.family());
    assertEquals(650, linear.model().architecture().parameters());

    ProblemSpec impossible =
        ProblemSpec.classification(
            new SampleShape.Vector(64), 10, ProblemLimits.of(100, 100_000, 1 << 20));
    assertEquals(
        "no model family fits the problem's limits",
        new Trainer(runtime, ProgressListener.none())
            .train(request(impossible, digits.train(), 1))
            .reason());
  }

  @Test
  void theBudgetStopsTheSearchButAModelComesBack() {
    // A clock that advances 50 ms per reading (the trainer reads it three times per epoch): a
    // 10-second budget allows about 60 epochs, far fewer than the plan's 7 candidates x 40.
    AtomicLong now = new AtomicLong();
    Trainer trainer =
        new Trainer(runtime, ProgressListener.none(), () -> now.addAndGet(50_000_000L));
    SearchPlan noEarlyStop = new SearchPlan(16, 40, 40, 0.1);
    TrainingRequest request =
        new TrainingRequest(IRIS_SPEC, iris.train(), Duration.ofSeconds(10), 3, 1, noEarlyStop);
    TrainedModel model = trainer.train(request).value();
    assertTrue(model.budgetBound());
    assertTrue(model.elapsed().compareTo(Duration.ofSeconds(10)) <= 0, model.elapsed().toString());
    assertTrue(
        model.candidatesTrained() >= 2 && model.candidatesTrained() < 7,
        "candidates " + model.candidatesTrained());
  }

  @Test
  void anEpochThatOverrunsTheDeadlineIsDropped() {
    // The clock stands still (so every estimate is zero) until the second epoch has finished;
    // from then on each reading advances it one second. The third epoch passes its start check,
    // then the deadline passes inside it: that epoch is dropped and the best finished one kept.
    // Digits as 8x8 images: the DL4J path (tabular epochs are short and not cut).
    ProblemSpec digitImages =
        ProblemSpec.classification(
            new SampleShape.Image(1, 8, 8), 10, ProblemLimits.of(500_000, 5_000_000, 4 << 20));
    AtomicLong now = new AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean();
    ProgressListener arm =
        p -> {
          if (p.event() == TrainingProgress.Event.EPOCH_FINISHED && p.epoch() == 2) {
            now.set(8_500_000_000L);
            running.set(true);
          }
        };
    Trainer trainer =
        new Trainer(runtime, arm, () -> running.get() ? now.getAndAdd(1_000_000_000L) : now.get());
    TrainedModel model =
        trainer
            .train(
                new TrainingRequest(
                    digitImages,
                    digits.train(),
                    Duration.ofSeconds(10),
                    4,
                    1,
                    SearchPlan.defaults()))
            .value();
    assertTrue(model.budgetBound());
    assertEquals(1, model.candidatesTrained());
    assertTrue(model.epochs() >= 1 && model.epochs() <= 2, "best epoch " + model.epochs());
    assertEquals(2L * (digits.train().count() - 144), model.samplesTrained());
  }

  @Test
  void regressionOnIris() {
    Dataset iris =
        BuiltinDatasets.csv(
                "iris.csv",
                CsvReader.Options.defaults()
                    .withLabelColumn("petal_width")
                    .withLabels(LabelMode.regression()))
            .value();
    Dataset.Split split = iris.split(30, 11);
    ProblemSpec spec =
        ProblemSpec.regression(
            new SampleShape.Vector(4), 1, ProblemLimits.of(10_000, 10_000, 1 << 20));
    TrainedModel model =
        new Trainer(runtime, ProgressListener.none())
            .train(
                new TrainingRequest(
                    spec,
                    split.first(),
                    Duration.ofMinutes(2),
                    5,
                    1,
                    SearchPlan.defaults().withMaxCandidates(1)))
            .value();
    double mse =
        Scoring.score(
                spec,
                Predictor.predict(model.model(), split.second().inputs()),
                split.second().labels())
            .value();
    // Petal width varies by about 0.58 (variance); a useful model does far better than that.
    assertTrue(mse < 0.1, "test MSE " + mse);
  }

  @Test
  void eachMinerSeedOrdersTheSearchItsOwnWayAfterAFixedFirstCandidate() {
    SampleShape table = new SampleShape.Vector(10);
    org.learnchain.ml.spec.Task task = new org.learnchain.ml.spec.Task.Classification(2);
    List<SearchSchedule.Attempt> a = SearchSchedule.of(table, task, false, 1);
    List<SearchSchedule.Attempt> b = SearchSchedule.of(table, task, false, 2);
    assertEquals(a, SearchSchedule.of(table, task, false, 1));
    assertEquals(a.get(0), b.get(0));
    assertEquals("linear", a.get(0).name());
    assertEquals(a.size(), b.size());
    assertNotEquals(
        a.stream().map(SearchSchedule.Attempt::name).toList(),
        b.stream().map(SearchSchedule.Attempt::name).toList());
    // Imbalanced classes add class-weighted candidates.
    assertTrue(
        SearchSchedule.of(table, task, true, 1).stream()
            .anyMatch(SearchSchedule.Attempt::balanced));
    assertFalse(a.stream().anyMatch(SearchSchedule.Attempt::balanced));
  }

  @Test
  void mismatchedDataIsRejected() {
    ProblemSpec wrongWidth =
        ProblemSpec.classification(
            new SampleShape.Vector(63), 10, ProblemLimits.of(50_000, 50_000, 1 << 20));
    Result<TrainedModel> r =
        new Trainer(runtime, ProgressListener.none()).train(request(wrongWidth, digits.train(), 1));
    assertEquals(
        "training samples have 64 values, the problem's input vector(63) needs 63", r.reason());
    ProblemSpec regression =
        ProblemSpec.regression(
            new SampleShape.Vector(64), 1, ProblemLimits.of(50_000, 50_000, 1 << 20));
    assertEquals(
        "the problem is a regression but the labels are class indices",
        new Trainer(runtime, ProgressListener.none())
            .train(request(regression, digits.train(), 1))
            .reason());
  }

  @Test
  void seedsAreDomainSeparatedAndFramed() {
    assertEquals(TrainingSeed.derive(new byte[] {1, 2}), TrainingSeed.derive(new byte[] {1, 2}));
    assertNotEquals(
        TrainingSeed.derive(new byte[] {1}, new byte[] {2}),
        TrainingSeed.derive(new byte[] {1, 2}));
    PublicKey key = PublicKey.wrap(new byte[32]);
    assertNotEquals(TrainingSeed.forMiner(key, 1), TrainingSeed.forMiner(key, 2));
  }

  private static TrainingRequest request(ProblemSpec spec, Dataset train, long seed) {
    return new TrainingRequest(spec, train, Duration.ofMinutes(5), seed, 1, PLAN);
  }
}
