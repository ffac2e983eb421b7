package org.learnchain.ml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.data.BuiltinDatasets;
import org.learnchain.ml.data.CsvReader;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.LabelMode;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;

/**
 * Pins the SHA-256 of the model bytes the search produces for fixed problems, seeds and plans.
 * Model bytes are hashed by consensus: a change to the search (its order, its seeds, its
 * arithmetic, the refit, the one-standard-error rule, the image augmentation) that alters them
 * changes which models miners publish and verifiers accept, and must be deliberate. When it is, the
 * expected hashes below are updated in the same commit, with the reason.
 *
 * <p>The plans are small so that the budget never binds (a budget-bound search stops where time
 * says and is not reproducible): four tabular problems through the tabular search with refit (plain
 * Java arithmetic, so the same bytes on every x86-64 machine), one image problem through the DL4J
 * path with shifted images (reproducible on one machine only).
 */
class TrainerGoldenBytesTest {
  private static final ProblemLimits LIMITS = ProblemLimits.of(200_000, 2_000_000, 4 << 20);
  private static final Duration BUDGET = Duration.ofMinutes(10);

  private static MlRuntime runtime;

  @BeforeAll
  static void setUp() {
    runtime = MlRuntime.start(1);
  }

  @Test
  void irisClassification() {
    Dataset iris = BuiltinDatasets.iris().value().train();
    ProblemSpec spec = ProblemSpec.classification(new SampleShape.Vector(4), 3, LIMITS);
    assertBytes(
        "linear",
        "9cb9469ae891766b44ff1c32ce80845db97d30f9854b8aa917ef023f409c06a3",
        spec,
        iris,
        7,
        new SearchPlan(4, 60, 10, 0.2));
  }

  @Test
  void diabetesRegression() {
    Dataset diabetes = quality("diabetes", LabelMode.regression());
    ProblemSpec spec = ProblemSpec.regression(new SampleShape.Vector(10), 1, LIMITS);
    assertBytes(
        "linear",
        "1512b89a71193a86c60afb9f6825658f62e4699213a3d8c44102a59e1eab6e95",
        spec,
        diabetes,
        11,
        new SearchPlan(3, 40, 10, 0.2));
  }

  @Test
  void friedmanRegressionWhereAnMlpBeatsTheLinearModel() {
    Dataset friedman = quality("friedman1", LabelMode.regression());
    ProblemSpec spec = ProblemSpec.regression(new SampleShape.Vector(10), 1, LIMITS);
    assertBytes(
        "mlp-1x32",
        "310185b6593e9060497065b278f6cfb7bd9ee3f10bfc2d4eefa319ef37fa68d1",
        spec,
        friedman,
        13,
        new SearchPlan(3, 30, 10, 0.2));
  }

  @Test
  void imbalancedClassificationTriesClassWeightedCandidates() {
    Dataset imbalanced = quality("imbalanced", LabelMode.classes(2));
    ProblemSpec spec = ProblemSpec.classification(new SampleShape.Vector(20), 2, LIMITS);
    assertBytes(
        "linear",
        "97948290d5031252743df68d31cf1cc229b205620d1cf23f1b28fc628da5c770",
        spec,
        imbalanced,
        5,
        new SearchPlan(16, 4, 4, 0.2));
  }

  /**
   * The image path trains in DL4J, whose native kernels are chosen per CPU: its bits may differ
   * between machines (docs/platform-notes.md), so no hash is pinned here; the same machine must
   * still give the same bytes twice. (Before and after Trainer was split, this case gave
   * b322e707... on the development machine.)
   */
  @Test
  void digitImagesAreReproducibleOnOneMachine() {
    Dataset digits = BuiltinDatasets.digits().value().train();
    ProblemSpec spec = ProblemSpec.classification(new SampleShape.Image(1, 8, 8), 10, LIMITS);
    SearchPlan plan = new SearchPlan(2, 2, 2, 0.2);
    TrainedModel first = train(spec, digits, 3, plan);
    TrainedModel second = train(spec, digits, 3, plan);
    assertEquals("cnn-16-128", first.family());
    assertEquals(sha256(first.bytes()), sha256(second.bytes()));
  }

  private static Dataset quality(String name, LabelMode labels) {
    return BuiltinDatasets.csv(
            "quality/" + name + "-train.csv", CsvReader.Options.defaults().withLabels(labels))
        .value();
  }

  private static void assertBytes(
      String expectedFamily,
      String expectedSha256,
      ProblemSpec spec,
      Dataset train,
      long seed,
      SearchPlan plan) {
    TrainedModel model = train(spec, train, seed, plan);
    assertEquals(expectedFamily, model.family());
    assertEquals(expectedSha256, sha256(model.bytes()), model.family());
  }

  private static TrainedModel train(ProblemSpec spec, Dataset train, long seed, SearchPlan plan) {
    TrainedModel model =
        new Trainer(runtime, ProgressListener.none())
            .train(new TrainingRequest(spec, train, BUDGET, seed, 1, plan))
            .value();
    assertFalse(model.budgetBound());
    return model;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
