package org.learnchain.node.cli.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.learnchain.bench.ml.QualityBench;
import org.learnchain.ml.Result;
import org.learnchain.ml.train.SearchPlan;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain bench quality}: the miners' default search on each tabular dataset shipped in
 * ml-engine's {@code datasets/quality/}, against scikit-learn's best default model on the same
 * split (recorded by {@code ml-engine/scripts/quality_reference.py} with its versions).
 */
@Command(
    name = "quality",
    description = {
      "Train the default search on each shipped tabular dataset (breast-cancer, wine, an",
      "imbalanced set, diabetes, friedman1) within --budget seconds and print, per dataset, the",
      "test score, scikit-learn's best default score on the same split and their ratio (>= 1:",
      "as good as scikit-learn; accuracy ours/reference, mean squared error reference/ours).",
      "--miners N also trains N miner seeds and reports the best of them."
    })
public final class BenchQualityCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--json", description = "print one JSON object")
  private boolean json;

  @Option(
      names = "--budget",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "training budget per dataset and miner (default ${DEFAULT-VALUE}, the round's)")
  private int budgetSeconds;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "1",
      description = "training threads (default ${DEFAULT-VALUE})")
  private int threads;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "1",
      description = "first miner's seed")
  private long seed;

  @Option(
      names = "--miners",
      paramLabel = "N",
      defaultValue = "1",
      description = "miner seeds per dataset; the best test score among them is reported too")
  private int miners;

  @Option(names = "--dataset", paramLabel = "NAME", description = "only this dataset")
  private String dataset;

  public BenchQualityCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (budgetSeconds < 1 || threads < 1 || miners < 1) {
      ctx.err().println("error: --budget, --threads and --miners must be >= 1");
      return ExitCodes.USAGE;
    }
    Result<QualityBench.Figures> r =
        QualityBench.run(
            Duration.ofSeconds(budgetSeconds),
            threads,
            seed,
            miners,
            dataset,
            SearchPlan.defaults());
    if (r instanceof Result.Err<QualityBench.Figures> err) {
      ctx.err().println("error: " + err.reason());
      return ExitCodes.FAILURE;
    }
    QualityBench.Figures f = r.value();
    if (json) {
      ctx.out().println(f.toJson());
      return 0;
    }
    ctx.out()
        .printf(
            Locale.ROOT,
            "%-14s %-8s %10s %10s %8s  %s%n",
            "dataset",
            "metric",
            "ours",
            "sklearn",
            "ratio",
            miners > 1 ? "best of " + miners + " (ratio)" : "model");
    for (QualityBench.Row row : f.rows()) {
      ctx.out()
          .printf(
              Locale.ROOT,
              "%-14s %-8s %10.4f %10.4f %8.4f  %s%n",
              row.name(),
              row.metric().equals("accuracy") ? "accuracy" : "mse",
              row.ours(),
              row.reference(),
              row.ratio(),
              miners > 1
                  ? String.format(
                      Locale.ROOT, "%.4f (%.4f)", row.bestOfMiners(), row.bestOfMinersRatio())
                  : row.family() + " vs " + row.referenceModel());
    }
    ctx.out()
        .printf(
            Locale.ROOT,
            "every dataset meets scikit-learn: %s (load %.2f; reference %s)%n",
            f.allMeet() ? "yes" : "no",
            f.loadAverage(),
            f.referenceVersions());
    return 0;
  }
}
