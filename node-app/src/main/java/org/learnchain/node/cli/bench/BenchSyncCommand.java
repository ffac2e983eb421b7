package org.learnchain.node.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.learnchain.config.ModelLimits;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.Result;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.node.cli.common.LogLevels;
import org.learnchain.node.devnet.SyncBench;
import org.learnchain.node.problem.BuiltinProblem;
import org.learnchain.node.support.Directories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain bench sync}: how fast a node that joins late catches up a chain made by
 * validators in this process, against the time the chain took to make the same blocks.
 */
@Command(
    name = "sync",
    description = {
      "Make a chain of --blocks blocks (--useful of them useful-work blocks, real training on",
      "--dataset) with --validators nodes on 127.0.0.1 (Netty p2p with TLS, RocksDB), then start",
      "a late node connected to --peers of them and time its catch-up: blocks/s and the ratio",
      "of sync time to the time the chain took. Progress on stderr."
    })
public final class BenchSyncCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--json", description = "print one JSON object")
  private boolean json;

  @Option(names = "--blocks", paramLabel = "N", description = "blocks to catch up (default 1000)")
  private int blocks = 1000;

  @Option(names = "--validators", paramLabel = "N", description = "validators (default 4)")
  private int validators = 4;

  @Option(
      names = "--peers",
      paramLabel = "N",
      description = "validators the late node syncs from (default 3)")
  private int peers = 3;

  @Option(
      names = "--useful",
      paramLabel = "N",
      description = "useful-work blocks in the chain (default 3)")
  private int useful = 3;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      description = "built-in problem of the useful-work rounds (default iris)")
  private String dataset = "iris";

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "data directory (default: a temporary one, removed afterwards)")
  private Path dir;

  public BenchSyncCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    if (blocks < 1 || validators < 2 || peers < 1 || peers > validators || useful < 0) {
      ctx.err()
          .println(
              "error: needs --blocks >= 1, --validators >= 2, 1 <= --peers <= --validators,"
                  + " --useful >= 0");
      return ExitCodes.USAGE;
    }
    Optional<Result<BuiltinProblem>> problem = BuiltinProblem.load(dataset, ModelLimits.defaults());
    if (problem.isEmpty()) {
      ctx.err()
          .println(
              "error: unknown dataset '"
                  + dataset
                  + "' (one of "
                  + String.join(", ", BuiltinProblem.NAMES)
                  + ")");
      return ExitCodes.USAGE;
    }
    if (!problem.get().isOk()) {
      ctx.err().println("error: " + problem.get().reason());
      return ExitCodes.FAILURE;
    }
    boolean temporary = dir == null;
    Path where = temporary ? Files.createTempDirectory("learnchain-syncbench") : dir;
    Files.createDirectories(where);
    LogLevels.quietUnlessAsked(ctx.env());
    BuiltinProblem p = problem.get().value();
    long roundMs = p.rounds().trainingMs() + p.rounds().evaluationMs() + p.rounds().awardMs();
    long maxChainMs = 120_000 + 4L * useful * roundMs + 100L * blocks;
    MlRuntime ml = MlRuntime.start(1);
    try {
      SyncBench.Figures f =
          new SyncBench(
                  new SyncBench.Settings(blocks, validators, peers, useful, p, where, maxChainMs),
                  ml,
                  ctx.err(),
                  ctx.random())
              .run();
      ctx.out().println(json ? f.toJson() : f.toText());
      if (!f.agreed()) {
        ctx.err().println("error: the late node did not end on the validators' block and state");
        return ExitCodes.FAILURE;
      }
      return 0;
    } catch (IllegalStateException e) {
      ctx.err().println("error: bench sync: " + e.getMessage());
      return ExitCodes.FAILURE;
    } finally {
      if (temporary) {
        Directories.deleteRecursively(where);
      }
    }
  }
}
