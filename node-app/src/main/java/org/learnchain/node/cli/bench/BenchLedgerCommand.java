package org.learnchain.node.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.learnchain.bench.ledger.LedgerBench;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.node.support.Directories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain bench ledger}: blocks of signed transfers applied to RocksDB with 100,000
 * funded accounts, beside raw Ed25519 verification on the same cores in the same run.
 */
@Command(
    name = "ledger",
    description = {
      "Apply blocks of signed transfers (signature checks included) to RocksDB and compare the",
      "rate with raw Ed25519 verifications on the same cores (ratio goal: >= 0.5)."
    })
public final class BenchLedgerCommand implements Callable<Integer> {
  private final CliContext ctx;
  private final LedgerBench.Config defaults = LedgerBench.Config.defaults();

  @Option(names = "--json", description = "print one JSON object")
  private boolean json;

  @Option(names = "--accounts", paramLabel = "N", description = "funded accounts (default 100000)")
  private int accounts = defaults.accounts();

  @Option(names = "--blocks", paramLabel = "N", description = "timed blocks (default 20)")
  private int blocks = defaults.blocks();

  @Option(names = "--txs", paramLabel = "N", description = "transfers per block (default 5000)")
  private int txs = defaults.transfersPerBlock();

  @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: cores)")
  private int threads = defaults.threads();

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "database directory (default: a temporary one, deleted afterwards)")
  private Path dir;

  public BenchLedgerCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    if (accounts < 2 || blocks < 1 || txs < 1 || threads < 1) {
      ctx.err().println("error: --accounts must be >= 2 and --blocks, --txs, --threads >= 1");
      return ExitCodes.USAGE;
    }
    boolean temporary = dir == null;
    Path where = temporary ? Files.createTempDirectory("learnchain-bench-ledger") : dir;
    try {
      LedgerBench.Result r =
          LedgerBench.run(
              where,
              new LedgerBench.Config(
                  accounts,
                  blocks,
                  txs,
                  threads,
                  defaults.warmupBlocks(),
                  defaults.verifyWarmupMs()));
      if (json) {
        ctx.out().println(r.toJson());
      } else {
        ctx.out()
            .printf(
                Locale.ROOT,
                "transfers/s        %.0f%nraw verify/s       %.0f%nratio              %.3f"
                    + " (goal >= 0.5)%ncpu ratio          %.3f%nblocks             %d x %d"
                    + " transfers, %d accounts, %d threads%n",
                r.transfersPerSecond(),
                r.verifyPerSecond(),
                r.ratio(),
                r.cpuRatio(),
                r.blocks(),
                r.transfersPerBlock(),
                r.accounts(),
                r.threads());
      }
      return 0;
    } finally {
      if (temporary) {
        Directories.deleteRecursively(where);
      }
    }
  }
}
