package org.learnchain.node.cli.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.learnchain.bench.ml.MlBench;
import org.learnchain.ml.Result;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain bench ml}: a miner's training search on the MNIST subset (8,000 train, 2,000
 * test) within a budget, then inference, model hashing beside raw SHA-256, and verification time.
 */
@Command(
    name = "ml",
    description = {
      "Train on the MNIST subset (8,000 train / 2,000 test) within --budget seconds and report test",
      "accuracy, training and inference samples/s, model hashing beside raw SHA-256 and the",
      "verification time as a fraction of the budget (goals on 2 cores, 60 s: accuracy >= 0.97,",
      "verification <= 2%, hashing >= 70% of raw SHA-256)."
    })
public final class BenchMlCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--json", description = "print one JSON object")
  private boolean json;

  @Option(
      names = "--budget",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "training budget (default ${DEFAULT-VALUE})")
  private int budgetSeconds;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "training threads (default ${DEFAULT-VALUE}; one trains fastest on 2 busy cores)")
  private int threads;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "search seed")
  private long seed;

  public BenchMlCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (budgetSeconds < 1 || threads < 1) {
      ctx.err().println("error: --budget and --threads must be >= 1");
      return ExitCodes.USAGE;
    }
    Result<MlBench.Figures> r = MlBench.run(Duration.ofSeconds(budgetSeconds), threads, seed);
    if (r instanceof Result.Err<MlBench.Figures> err) {
      ctx.err().println("error: " + err.reason());
      return ExitCodes.FAILURE;
    }
    MlBench.Figures f = r.value();
    if (json) {
      ctx.out().println(f.toJson());
    } else {
      ctx.out()
          .printf(
              Locale.ROOT,
              "test accuracy      %.4f (%s, %d parameters)%ntrain samples/s    %.0f%n"
                  + "infer samples/s    %.0f%nhash GiB/s         %.3f (raw SHA-256 %.3f)%n"
                  + "verify             %.3f s = %.2f%% of the %d s budget%nbackend            %s%n",
              f.testAccuracy(),
              f.family(),
              f.parameters(),
              f.trainSamplesPerSecond(),
              f.inferenceSamplesPerSecond(),
              f.hashGiBps(),
              f.rawSha256GiBps(),
              f.verifySeconds(),
              100 * f.verifyFraction(),
              budgetSeconds,
              f.backend());
    }
    return 0;
  }
}
