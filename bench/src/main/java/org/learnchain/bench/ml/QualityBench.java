package org.learnchain.bench.ml;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.BuiltinDatasets;
import org.learnchain.ml.data.CsvReader;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.LabelMode;
import org.learnchain.ml.infer.Predictor;
import org.learnchain.ml.infer.Scoring;
import org.learnchain.ml.spec.Metric;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.train.ProgressListener;
import org.learnchain.ml.train.SearchPlan;
import org.learnchain.ml.train.TrainedModel;
import org.learnchain.ml.train.Trainer;
import org.learnchain.ml.train.TrainingRequest;
import org.learnchain.ml.train.TrainingSeed;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * The quality benchmark ({@code learnchain bench quality}): the miners' default search on each
 * tabular dataset of {@code datasets/quality/} (public sets bundled with scikit-learn, or generated
 * from a fixed seed, written with their train/test split by {@code
 * ml-engine/scripts/quality_reference.py}), scored on the test file and set beside the best
 * scikit-learn default model on the same split, as that script recorded it (with its library
 * versions) in {@code reference.json}.
 *
 * <p>The ratio is ours over the reference for accuracy and the reference over ours for mean squared
 * error, so at least 1 means the chain's model is as good as what the submitter would get from
 * scikit-learn's defaults. With {@code miners > 1} each dataset is also trained with that many
 * miner seeds, and the best test score among them (the one the network's ranking would pick) is
 * reported beside the first miner's.
 */
public final class QualityBench {
  private static final String DIR = "quality/";

  /** The chain's default model ceilings (genesis defaults): what a problem may ask at most. */
  static final ProblemLimits LIMITS = ProblemLimits.of(1_000_000, 10_000_000, 16L << 20);

  /** One dataset's figures. */
  public record Row(
      String name,
      String task,
      String metric,
      int trainRows,
      int testRows,
      double ours,
      double bestOfMiners,
      double reference,
      String referenceModel,
      double ratio,
      double bestOfMinersRatio,
      String family,
      int candidatesTrained,
      double trainingSeconds) {}

  /** The benchmark's figures. */
  public record Figures(
      double budgetSeconds,
      int threads,
      int miners,
      double loadAverage,
      String referenceVersions,
      List<Row> rows) {

    /** Whether every dataset's first miner meets or beats its reference. */
    public boolean allMeet() {
      return rows.stream().allMatch(r -> r.ratio >= 1.0 - 1e-9);
    }

    /** One JSON object. */
    public String toJson() {
      StringBuilder b = new StringBuilder();
      b.append(
          String.format(
              Locale.ROOT,
              "{\"budgetSeconds\":%.1f,\"threads\":%d,\"miners\":%d,\"loadAverage\":%.2f,"
                  + "\"reference\":%s,\"allMeet\":%s,\"datasets\":[",
              budgetSeconds,
              threads,
              miners,
              loadAverage,
              referenceVersions,
              allMeet()));
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        b.append(i == 0 ? "" : ",")
            .append(
                String.format(
                    Locale.ROOT,
                    "{\"name\":\"%s\",\"task\":\"%s\",\"metric\":\"%s\",\"trainRows\":%d,"
                        + "\"testRows\":%d,\"score\":%.6f,\"bestOfMiners\":%.6f,"
                        + "\"reference\":%.6f,\"referenceModel\":\"%s\",\"ratio\":%.4f,"
                        + "\"bestOfMinersRatio\":%.4f,\"family\":\"%s\",\"candidatesTrained\":%d,"
                        + "\"trainingSeconds\":%.2f}",
                    r.name,
                    r.task,
                    r.metric,
                    r.trainRows,
                    r.testRows,
                    r.ours,
                    r.bestOfMiners,
                    r.reference,
                    r.referenceModel,
                    r.ratio,
                    r.bestOfMinersRatio,
                    r.family,
                    r.candidatesTrained,
                    r.trainingSeconds));
      }
      return b.append("]}").toString();
    }
  }

  private QualityBench() {}

  /**
   * Runs the benchmark on every dataset of {@code reference.json} (or only {@code only}, when not
   * null).
   */
  public static Result<Figures> run(
      Duration budget, int threads, long seed, int miners, String only) {
    return run(budget, threads, seed, miners, only, SearchPlan.defaults());
  }

  /** With another search plan (fewer candidates, for example). */
  public static Result<Figures> run(
      Duration budget, int threads, long seed, int miners, String only, SearchPlan plan) {
    MlRuntime runtime = MlRuntime.start(threads);
    JsonNode reference;
    try (InputStream in =
        BuiltinDatasets.class.getResourceAsStream("/datasets/quality/reference.json")) {
      if (in == null) {
        return Result.err("datasets/quality/reference.json is missing from the ml-engine jar");
      }
      reference = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      return Result.err("reference.json is unreadable: " + e.getMessage());
    }
    List<Row> rows = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> sets = reference.get("datasets").fields();
    while (sets.hasNext()) {
      Map.Entry<String, JsonNode> e = sets.next();
      if (only != null && !only.equals(e.getKey())) {
        continue;
      }
      Result<Row> row =
          runOne(runtime, e.getKey(), e.getValue(), budget, threads, seed, miners, plan);
      if (!row.isOk()) {
        return Result.err(row.reason());
      }
      rows.add(row.value());
    }
    if (rows.isEmpty()) {
      return Result.err("no dataset named " + only + " in reference.json");
    }
    return Result.ok(
        new Figures(
            budget.toMillis() / 1000.0,
            threads,
            miners,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            reference.get("versions").toString(),
            rows));
  }

  private static Result<Row> runOne(
      MlRuntime runtime,
      String name,
      JsonNode ref,
      Duration budget,
      int threads,
      long seed,
      int miners,
      SearchPlan plan) {
    boolean classification = "classification".equals(ref.get("task").asText());
    int classes = ref.get("classes").asInt();
    int features = ref.get("features").asInt();
    LabelMode labels = classification ? LabelMode.classes(classes) : LabelMode.regression();
    CsvReader.Options options = CsvReader.Options.defaults().withLabels(labels);
    Result<Dataset> train = BuiltinDatasets.csv(DIR + name + "-train.csv", options);
    Result<Dataset> test = BuiltinDatasets.csv(DIR + name + "-test.csv", options);
    if (!train.isOk() || !test.isOk()) {
      return Result.err(train.isOk() ? test.reason() : train.reason());
    }
    SampleShape shape = new SampleShape.Vector(features);
    ProblemSpec spec =
        classification
            ? ProblemSpec.classification(shape, classes, LIMITS)
            : ProblemSpec.regression(shape, 1, LIMITS);
    Metric metric = spec.metric();
    double first = Double.NaN;
    double best = Double.NaN;
    TrainedModel firstModel = null;
    for (int m = 0; m < miners; m++) {
      // Distinct miners' seeds, as TrainingSeed.forMiner gives distinct keys distinct seeds.
      long minerSeed = m == 0 ? seed : TrainingSeed.derive(longBytes(seed), longBytes(m));
      Result<TrainedModel> trained =
          new Trainer(runtime, ProgressListener.none())
              .train(new TrainingRequest(spec, train.value(), budget, minerSeed, threads, plan));
      if (!trained.isOk()) {
        return Result.err(name + ": " + trained.reason());
      }
      double score =
          Scoring.score(
                  spec,
                  Predictor.predict(trained.value().model(), test.value().inputs()),
                  test.value().labels())
              .value();
      if (m == 0) {
        first = score;
        firstModel = trained.value();
      }
      if (Double.isNaN(best) || metric.better(score, best)) {
        best = score;
      }
    }
    double refScore = ref.get("best").asDouble();
    return Result.ok(
        new Row(
            name,
            classification ? "classification" : "regression",
            metric.higherIsBetter() ? "accuracy" : "mean_squared_error",
            train.value().count(),
            test.value().count(),
            first,
            best,
            refScore,
            ref.get("best_model").asText(),
            ratio(metric, first, refScore),
            ratio(metric, best, refScore),
            firstModel.family(),
            firstModel.candidatesTrained(),
            firstModel.elapsed().toMillis() / 1000.0));
  }

  private static double ratio(Metric metric, double ours, double reference) {
    return metric.higherIsBetter() ? ours / reference : reference / ours;
  }

  private static byte[] longBytes(long v) {
    return java.nio.ByteBuffer.allocate(8).putLong(v).array();
  }
}
