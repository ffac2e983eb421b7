package org.learnchain.node.cli.devnet;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.learnchain.config.ModelLimits;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.Result;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.node.cli.common.LogLevels;
import org.learnchain.node.devnet.Devnet;
import org.learnchain.node.devnet.DevnetReport;
import org.learnchain.node.problem.BuiltinProblem;
import org.learnchain.node.support.Directories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain devnet}: a whole network in this process on loopback, training real models on a
 * built-in funded problem, with live progress; with {@code --rounds N} it stops after N useful-work
 * blocks and prints a summary.
 */
@Command(
    name = "devnet",
    description = {
      "Run a whole network in this process, training real models on a funded problem.",
      "Every node is a full node (RocksDB, Netty p2p on 127.0.0.1, DL4J training). Node 0",
      "funds a built-in problem each round; the others mine.",
      "Progress is printed live. With --rounds N it stops after N useful-work blocks and prints",
      "a summary (--json: {\"blocks\":[{\"height\",\"winner\",\"score\",\"modelHash\",\"verifyMs\"}]});",
      "without it, it runs until interrupted (Ctrl-C) and then prints the summary."
    })
public final class DevnetCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      defaultValue = "4",
      description = "nodes, 2..16 (default ${DEFAULT-VALUE}: one submitter, three miners)")
  private int nodeCount;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "0",
      description = "stop after N useful-work blocks (default: run until interrupted)")
  private int rounds;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      defaultValue = "mnist",
      description = "built-in problem: mnist, digits or iris (default ${DEFAULT-VALUE})")
  private String dataset;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "keep the nodes' data here (new or empty; default: a temporary directory)")
  private Path dir;

  @Option(
      names = "--explorer-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description =
          "node 0's web explorer port on 127.0.0.1 (default: any free port; the URL is printed)")
  private int explorerPort;

  @Option(names = "--json", description = "print the summary as one JSON object")
  private boolean json;

  public DevnetCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    if (nodeCount < 2 || nodeCount > 16) {
      ctx.err().println("error: --nodes must be 2..16, got " + nodeCount);
      return ExitCodes.USAGE;
    }
    if (explorerPort < 0 || explorerPort > 65535) {
      ctx.err().println("error: --explorer-port must be 0..65535, got " + explorerPort);
      return ExitCodes.USAGE;
    }
    if (rounds < 0) {
      ctx.err().println("error: --rounds must not be negative, got " + rounds);
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
    Path where;
    if (temporary) {
      where = Files.createTempDirectory("learnchain-devnet");
    } else {
      Optional<String> unusable = unusable(dir);
      if (unusable.isPresent()) {
        ctx.err().println("error: " + unusable.get());
        return ExitCodes.FAILURE;
      }
      Files.createDirectories(dir);
      where = dir;
    }
    LogLevels.quietUnlessAsked(ctx.env());
    PrintWriter progress = json ? ctx.err() : ctx.out();
    BuiltinProblem p = problem.get().value();
    long roundMs =
        p.rounds().trainingMs()
            + p.rounds().evaluationMs()
            + p.rounds().awardMs()
            + p.rounds().idleBlockMs();
    long maxRunMs = rounds == 0 ? 0 : 120_000 + 4L * rounds * roundMs;
    MlRuntime ml = MlRuntime.start(1);
    Devnet devnet =
        new Devnet(
            new Devnet.Settings(nodeCount, rounds, p, where, maxRunMs, explorerPort),
            ml,
            progress,
            ctx.random());
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              // Ctrl-C: end the run, let the main thread print the summary and stop the nodes.
              devnet.requestStop();
              try {
                finished.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "devnet-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      DevnetReport report = devnet.run();
      if (json) {
        ctx.out().println(report.toJson());
      } else {
        ctx.out().print(report.toText());
      }
      if (!report.agreed()) {
        ctx.err().println("error: the nodes did not agree on one head and state root");
        return ExitCodes.FAILURE;
      }
      return 0;
    } catch (Devnet.DevnetException e) {
      ctx.err().println("error: devnet: " + e.getMessage());
      return ExitCodes.FAILURE;
    } finally {
      devnet.close();
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down (Ctrl-C): the hook is running and has just been released.
        ctx.out().flush();
      }
      if (temporary) {
        Directories.deleteRecursively(where);
      }
    }
  }

  private static Optional<String> unusable(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return Optional.empty();
    }
    if (!Files.isDirectory(dir)) {
      return Optional.of(dir + " is not a directory");
    }
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        return Optional.of(
            dir + " is not empty: a devnet starts a new chain; pick a new or empty directory");
      }
    }
    return Optional.empty();
  }
}
