package org.learnchain.node.cli.bench;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.learnchain.bench.consensus.ConsensusBench;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.node.cli.common.LogLevels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain bench consensus}: simulated honest rounds per second on the real consensus and
 * ledger code, and the time to verify one useful-work block in full.
 */
@Command(
    name = "consensus",
    description = {
      "Run honest rounds of five simulated nodes on the real consensus code (simulated time) and",
      "time the full verification of a useful-work block."
    })
public final class BenchConsensusCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--json", description = "print one JSON object")
  private boolean json;

  @Option(names = "--rounds", paramLabel = "N", description = "simulated rounds (default 300)")
  private int rounds = 300;

  public BenchConsensusCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (rounds < 1) {
      ctx.err().println("error: --rounds must be >= 1");
      return ExitCodes.USAGE;
    }
    LogLevels.quietUnlessAsked(ctx.env());
    ConsensusBench.Figures f = ConsensusBench.run(rounds);
    if (json) {
      ctx.out().println(f.toJson());
    } else {
      ctx.out()
          .printf(
              Locale.ROOT,
              "useful rounds      %d in %.2f s (%.1f/s, simulated time)%n"
                  + "verify one block   %.1f us (%d bytes)%n",
              f.simulatedRounds(),
              f.seconds(),
              f.roundsPerSecond(),
              f.usefulBlockVerifyMicros(),
              f.usefulBlockBytes());
    }
    return 0;
  }
}
