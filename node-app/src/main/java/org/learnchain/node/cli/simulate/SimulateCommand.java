package org.learnchain.node.cli.simulate;

import java.util.List;
import java.util.concurrent.Callable;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.node.cli.common.LogLevels;
import org.learnchain.simulation.Simulation;
import org.learnchain.simulation.Simulation.ScenarioResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain simulate}: the experiment of the paper the protocol comes from, run by the real
 * consensus and ledger code on five in-process nodes over a simulated clock and network.
 */
@Command(
    name = "simulate",
    description = {
      "Run the paper's incentive experiment on the production consensus and ledger code.",
      "Five nodes, 1-D linear regression, one Byzantine node, on a simulated clock; prints each node's gross",
      "share of rewards and net profit. Scenarios: honest, paper-attack, funded, funded-burn,",
      "exclusion, funded-minted, all-defences, all."
    })
public final class SimulateCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--scenario", required = true, paramLabel = "NAME", description = "scenario")
  private String scenario;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "1000",
      description = "useful-work rounds per scenario (default ${DEFAULT-VALUE})")
  private int rounds;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description =
          "random seed (default: a fresh one, printed on stderr, so no run is hand-picked)")
  private Long seed;

  @Option(names = "--json", description = "print one JSON object")
  private boolean json;

  public SimulateCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    long s = seed != null ? seed : ctx.random().nextLong();
    if (rounds < 1) {
      ctx.err().println("error: --rounds must be positive, got " + rounds);
      return ExitCodes.USAGE;
    }
    if (!"all".equals(scenario)
        && Simulation.SCENARIOS.stream().noneMatch(x -> x.name().equals(scenario))) {
      ctx.err()
          .println(
              "error: unknown scenario '"
                  + scenario
                  + "' (one of "
                  + String.join(
                      ", ", Simulation.SCENARIOS.stream().map(Simulation.Scenario::name).toList())
                  + ", all)");
      return ExitCodes.USAGE;
    }
    // Five nodes in one process log every step of every round; the table is what the user asked
    // for. LEARNCHAIN_LOG_LEVEL brings the per-node logs back.
    LogLevels.quietUnlessAsked(ctx.env());
    ctx.err().println("simulate scenario=" + scenario + " rounds=" + rounds + " seed=" + s);
    ctx.err().flush();
    List<ScenarioResult> results = Simulation.run(scenario, rounds, s);
    ctx.out()
        .print(
            json
                ? Simulation.toJson(results) + System.lineSeparator()
                : Simulation.toTable(results));
    return 0;
  }
}
